using MarketingActors.Storage;
using Microsoft.Extensions.Options;

namespace MarketingActors.Ingestion;

/// <summary>
/// Holds rejected events: receive → bound → persist. Durable on the governance storage (PostgreSQL
/// in cluster mode); bounded at <see cref="QuarantineOptions.Capacity"/>, the oldest dropped and counted.
/// </summary>
public sealed class QuarantineGrain(
    [PersistentState("quarantine", StorageNames.Governance)] IPersistentState<QuarantineState> state,
    IOptions<QuarantineOptions> options,
    TimeProvider clock) : Grain, IQuarantineGrain
{
    private QuarantineState S => state.State;
    private int Capacity => options.Value.Capacity;

    public async Task Hold(QuarantinedEvent[] events)
    {
        var now = clock.GetUtcNow();
        foreach (var e in events) S.Held.Add(e with { Id = S.NextId++, ReceivedAt = now });
        var over = S.Held.Count - Capacity;
        if (over > 0)
        {
            S.Held.RemoveRange(0, over);
            S.Dropped += over;
        }
        await state.WriteStateAsync();
    }

    public Task<QuarantinePage> List(string? reason, string? source, int limit)
    {
        var matching = S.Held.Where(e => Matches(e, reason, source)).ToList();
        return Task.FromResult(new QuarantinePage
        {
            Events = [.. Enumerable.Reverse(matching).Take(limit)],
            Matching = matching.Count,
            Dropped = S.Dropped,
            Capacity = Capacity,
        });
    }

    public Task<QuarantinedEvent[]> Select(long[]? ids, string? reason, string? source, int limit) =>
        Task.FromResult<QuarantinedEvent[]>([.. S.Held.Where(e => (ids is null || ids.Contains(e.Id)) && Matches(e, reason, source) && !e.Truncated).Take(limit)]);

    public async Task Settle(long[] taken, QuarantinedEvent[] refusedAgain)
    {
        var gone = taken.ToHashSet();
        var updated = refusedAgain.ToDictionary(e => e.Id);
        S.Held.RemoveAll(e => gone.Contains(e.Id));
        for (var i = 0; i < S.Held.Count; i++)
        {
            if (updated.TryGetValue(S.Held[i].Id, out var again)) S.Held[i] = S.Held[i] with { Reason = again.Reason, Detail = again.Detail };
        }
        await state.WriteStateAsync();
    }

    private static bool Matches(QuarantinedEvent e, string? reason, string? source) =>
        (reason is null || e.Reason == reason) && (source is null || e.Source == source);
}
