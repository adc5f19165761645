using System.Net;
using System.Text;
using System.Text.Json;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Storage;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Gateway.Governance;

/// <summary>The audit log's signed checkpoints, as an operator keeps them outside the log and checks the log against them.</summary>
[Collection(OwnEngineCollection.Name)]
public sealed class AuditCheckpointSpec : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ma-checkpoints-{Guid.NewGuid():N}.jsonl");
    private readonly EmbeddedEngine _engine;

    public AuditCheckpointSpec() => _engine = new([$"--MarketingActors:Governance:CheckpointFile={_file}", "--MarketingActors:Governance:CheckpointInterval=00:00:01"]);

    public Task InitializeAsync() => _engine.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        File.Delete(_file);
    }

    private async Task<long> Changes(int count)
    {
        for (var i = 0; i < count; i++) await _engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("audited")), activate: false);
        return (await _engine.Http.GetAsync("/v1/audit?limit=1").Body())[0].GetProperty("sequence").GetInt64();
    }

    private static async Task<AuditCheckpoint> LastCheckpointIn(string file) =>
        JsonSerializer.Deserialize<AuditCheckpoint>((await File.ReadAllLinesAsync(file)).Last(l => l.Length > 0), AuditJson.Options)!;

    [Fact]
    public async Task The_engine_publishes_signed_checkpoints_and_catches_a_cut_off_tail_against_the_last_one()
    {
        var head = await Changes(3);
        var checkpoint = await Eventually.Holds(async () => File.Exists(_file) ? await LastCheckpointIn(_file) : null, c => c?.Sequence == head,
            because: "the timer publishes a checkpoint of the moved head");
        Assert.True((await _engine.Http.GetAsync("/v1/audit/verify").Body()) is { } intact && intact.GetProperty("intact").GetBoolean() && intact.GetProperty("checkpointChecked").GetBoolean());

        // Someone with access to the store removes the newest entries: the shorter chain is consistent in itself.
        var store = (InMemoryAuditLog)_engine.App.Services.GetRequiredService<IAuditLog>();
        store.RemoveStoredEntry(head);
        store.RemoveStoredEntry(head - 1);

        var verdict = await _engine.Http.GetAsync("/v1/audit/verify").Body();
        Assert.False(verdict.GetProperty("intact").GetBoolean());
        Assert.Equal(("truncated_after_checkpoint", head - 1), (verdict.GetProperty("problem").GetString(), verdict.GetProperty("firstBadSequence").GetInt64()));
        // Checked against the operator's own copy of the checkpoint, the same.
        var against = await _engine.Http.PostAsync("/v1/audit/verify", new StringContent(JsonSerializer.Serialize(checkpoint, AuditJson.Options), Encoding.UTF8, "application/json")).Body();
        Assert.Equal("truncated_after_checkpoint", against.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task A_checkpoint_the_engine_did_not_sign_is_refused()
    {
        await Changes(1);
        var checkpoint = await _engine.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IAuditLogGrain>(0).PublishCheckpoint();
        var forged = checkpoint! with { Sequence = checkpoint.Sequence - 1 };

        var answer = await _engine.Http.PostAsync("/v1/audit/verify", new StringContent(JsonSerializer.Serialize(forged, AuditJson.Options), Encoding.UTF8, "application/json"));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_checkpoint"), await Task.FromResult(answer).Outcome());
        var genuine = await _engine.Http.PostAsync("/v1/audit/verify", new StringContent(JsonSerializer.Serialize(checkpoint, AuditJson.Options), Encoding.UTF8, "application/json")).Body();
        Assert.True(genuine.GetProperty("intact").GetBoolean());
    }
}
