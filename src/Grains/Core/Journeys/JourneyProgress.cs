namespace MarketingActors.Core.Journeys;

[GenerateSerializer, Alias("ma.journey-status")]
public enum JourneyStatus
{
    Active,
    Completed,
    Exited,
}

/// <summary>Where one customer stands in one campaign's journey.</summary>
[GenerateSerializer, Alias("ma.journey-progress")]
public sealed class JourneyProgress
{
    public const int MaxPath = 32;

    [Id(0)] public required string CampaignId { get; set; }
    [Id(1)] public string? StepId { get; set; }
    [Id(2)] public JourneyStatus Status { get; set; }
    [Id(3)] public DateTimeOffset EnteredAt { get; set; }
    [Id(4)] public DateTimeOffset StepEnteredAt { get; set; }
    [Id(5)] public DateTimeOffset? WaitUntil { get; set; }
    [Id(6)] public string? ExitReason { get; set; }
    /// <summary>The most recent steps taken (bounded), e.g. "choose", "wait", "reroute:velocity_drop", "reengage".</summary>
    [Id(7)] public List<string> Path { get; set; } = [];
    [Id(8)] public bool WaitStarted { get; set; }
    /// <summary>Start of the hour the decision fuse counts in, and the decisions that acted in it (see <see cref="MayActAgain"/>).</summary>
    [Id(9)] public DateTimeOffset FuseHour { get; set; }
    [Id(10)] public int FuseActs { get; set; }

    public bool IsActive => Status == JourneyStatus.Active;

    public void MoveTo(string? stepId, DateTimeOffset now, string? via = null)
    {
        if (via is not null) Remember(via);
        StepId = stepId;
        StepEnteredAt = now;
        WaitUntil = null;
        WaitStarted = false;
        if (stepId is not null) Remember(stepId);
    }

    /// <summary>
    /// An entry, first or again: the journey starts over in this object, all but the hour's fuse
    /// count (re-entering must not reset the cap on acting decisions). In place because a journey
    /// that allows re-entry is usually re-entered on the customer's next event, and a new progress
    /// each time was a new object for the next young collection to copy.
    /// </summary>
    public void Restart(DateTimeOffset now)
    {
        (StepId, Status, EnteredAt, StepEnteredAt, WaitUntil, ExitReason, WaitStarted) = (null, JourneyStatus.Active, now, default, null, null, false);
        Path.Clear();
    }

    public void Finish(JourneyStatus status, string reason)
    {
        Status = status;
        ExitReason = reason;
        WaitUntil = null;
    }

    /// <summary>Whether the journey may act again in the hour of <paramref name="at"/> (the hourly decision fuse); starts a new hour's count when due.</summary>
    public bool MayActAgain(DateTimeOffset at, int maxPerHour)
    {
        var hour = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        if (hour != FuseHour)
        {
            FuseHour = hour;
            FuseActs = 0;
        }
        return FuseActs < maxPerHour;
    }

    /// <summary>A decision of this journey acted (sent, or held out as if sent).</summary>
    public void RecordAct() => FuseActs++;

    private void Remember(string entry)
    {
        Path.Add(entry);
        if (Path.Count > MaxPath) Path.RemoveAt(0);
    }
}
