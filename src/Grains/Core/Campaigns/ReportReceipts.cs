namespace MarketingActors.Core.Campaigns;

/// <summary>
/// The campaign grain's side of <see cref="ReportOutbox{TReport}"/>: the last sequence applied per
/// reporting silo incarnation, so a re-sent report is applied once. Incarnations silent for
/// <see cref="Memory"/> are forgotten (they are gone: a restarted silo reports under a new name).
/// </summary>
[GenerateSerializer, Alias("ma.report-receipts")]
public sealed class ReportReceipts
{
    public static readonly TimeSpan Memory = TimeSpan.FromDays(7);

    [Id(0)] public Dictionary<string, AppliedReport> Applied { get; set; } = new();

    /// <summary>True (and remembered) when report <paramref name="sequence"/> of <paramref name="holder"/> is new.</summary>
    public bool Accept(string holder, long sequence, DateTimeOffset now)
    {
        if (Applied.TryGetValue(holder, out var last) && sequence <= last.Sequence) return false;
        Applied[holder] = new AppliedReport(sequence, now);
        foreach (var gone in Applied.Where(r => now - r.Value.At > Memory).Select(r => r.Key).ToList()) Applied.Remove(gone);
        return true;
    }
}

[GenerateSerializer, Alias("ma.applied-report")]
public sealed record AppliedReport([property: Id(0)] long Sequence, [property: Id(1)] DateTimeOffset At);
