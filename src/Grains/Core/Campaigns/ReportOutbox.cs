namespace MarketingActors.Core.Campaigns;

/// <summary>
/// A silo's report to one campaign grain, kept until the grain acknowledges it: until then the
/// same report (same sequence number) is sent again, so a report the grain applied but whose
/// answer was lost is never counted twice. Not thread-safe; its owner holds the lock.
/// </summary>
public sealed class ReportOutbox<TReport> where TReport : class
{
    private TReport? _outstanding;
    private long _outstandingSequence;
    private long _sent;

    /// <summary>The outstanding report, or a new one composed for the next sequence number (null: nothing to report).</summary>
    public TReport? Take(Func<long, TReport?> compose)
    {
        if (_outstanding is not null) return _outstanding;
        if (compose(_sent + 1) is not { } report) return null;
        _outstanding = report;
        _outstandingSequence = ++_sent;
        return report;
    }

    /// <summary>The grain applied report <paramref name="sequence"/>: the next one starts afresh.</summary>
    public void Acknowledge(long sequence)
    {
        if (_outstanding is not null && _outstandingSequence == sequence) _outstanding = null;
    }
}
