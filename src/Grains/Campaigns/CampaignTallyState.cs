using MarketingActors.Core.Campaigns;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Campaigns;

/// <summary>What the silos reported for a campaign: variant posteriors (overall and per segment), decisions, the treated/holdout measurement, opt-outs, the audience.</summary>
[GenerateSerializer, Alias("ma.campaign-tally-state")]
public sealed class CampaignTallyState
{
    [Id(0)] public Dictionary<string, VariantPosterior> Variants { get; set; } = new();
    /// <summary>Variant evidence per customer segment (bounded by the definition's maxSegments).</summary>
    [Id(1)] public Dictionary<string, Dictionary<string, VariantPosterior>> Segments { get; set; } = new();
    [Id(2)] public long Decisions { get; set; }
    /// <summary>Treated/holdout tallies keyed "group/channel/action".</summary>
    [Id(3)] public Dictionary<string, MeasurementTally> Measurements { get; set; } = new();
    [Id(4)] public long Unsubscribes { get; set; }
    [Id(5)] public long Complaints { get; set; }
    [Id(6)] public AudienceCount Audience { get; set; } = AudienceCount.None;
    [Id(7)] public ReportReceipts Receipts { get; set; } = new();
    /// <summary>The same treated/holdout tallies per UTC day they reached the campaign: reports over a period sum these.</summary>
    [Id(8)] public Dictionary<DateOnly, Dictionary<string, MeasurementTally>> DailyMeasurements { get; set; } = new();
    /// <summary>The contextual policy's evidence per arm (its actions and the holdout).</summary>
    [Id(9)] public Dictionary<string, ArmStatistics> Arms { get; set; } = new();
    /// <summary>Off-policy sums per target policy, for "the engine vs the rule you would write".</summary>
    [Id(10)] public Dictionary<string, OffPolicySums> OffPolicy { get; set; } = new();

    public long Deliveries => Variants.Values.Sum(v => v.Deliveries);

    public long Conversions => Variants.Values.Sum(v => v.Conversions);

    /// <summary>Adds a silo's tallies, counted on <paramref name="day"/> (keeping <paramref name="daysKept"/> days); false when they change nothing (an empty report is not worth a write).</summary>
    public bool Add(TallyReport report, SegmentDefinition? segments, DateOnly day, int daysKept)
    {
        foreach (var tally in report.Variants)
        {
            Variants[tally.ActionId] = SegmentPosteriors.Plus(Variants.GetValueOrDefault(tally.ActionId), tally);
            if (segments is not null) SegmentPosteriors.Add(Segments, tally, segments.MaxSegments);
        }
        if (report.Measurements.Length > 0 && !DailyMeasurements.ContainsKey(day))
        {
            DailyMeasurements[day] = new();
            foreach (var old in DailyMeasurements.Keys.Where(d => d <= day.AddDays(-daysKept)).ToList()) DailyMeasurements.Remove(old);
        }
        foreach (var m in report.Measurements)
        {
            var key = $"{m.Group}/{m.Channel}/{m.ActionId}";
            Accumulate(Measurements, key, m);
            Accumulate(DailyMeasurements[day], key, m);
        }
        foreach (var arm in report.Arms) Arms[arm.ArmId] = Arms.TryGetValue(arm.ArmId, out var sum) ? sum.Plus(arm) : arm;
        foreach (var sums in report.OffPolicy) OffPolicy[sums.Target] = OffPolicy.TryGetValue(sums.Target, out var total) ? total.Plus(sums) : sums;
        Decisions += report.Decisions;
        Unsubscribes += report.Unsubscribes;
        Complaints += report.Complaints;
        Audience = Audience.Plus(report.Audience);
        return !report.IsEmpty;
    }

    /// <summary>The tallies that reached the campaign on the UTC days from <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    public IEnumerable<MeasurementTally> MeasurementsBetween(DateOnly from, DateOnly to) =>
        DailyMeasurements.Where(d => d.Key >= from && d.Key <= to).SelectMany(d => d.Value.Values);

    private static void Accumulate(Dictionary<string, MeasurementTally> sums, string key, MeasurementTally m) =>
        sums[key] = sums.TryGetValue(key, out var sum) ? sum.Plus(m) : m;
}
