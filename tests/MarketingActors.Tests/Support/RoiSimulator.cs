using MarketingActors.Measurement;

namespace MarketingActors.Tests.Support;

/// <summary>
/// A seeded campaign with known truth: treated and holdout customers convert with their own
/// probabilities, each conversion worth a fixed value, each treated decision costing a fixed
/// amount. Produces the measurement tallies the engine's holdout report is built from.
/// </summary>
public sealed class RoiSimulator(int seed)
{
    private readonly Random _random = new(seed);

    public MeasurementTally[] Tallies(long treated, long holdout, double treatedRate, double holdoutRate, decimal value, decimal costPerDecision) =>
    [
        Arm(MeasurementGroup.Treated, treated, treatedRate, value, costPerDecision),
        Arm(MeasurementGroup.CampaignHoldout, holdout, holdoutRate, value, 0),
    ];

    private MeasurementTally Arm(MeasurementGroup group, long decisions, double rate, decimal value, decimal cost)
    {
        long conversions = 0;
        for (var i = 0; i < decisions; i++) if (_random.NextDouble() < rate) conversions++;
        var revenue = conversions * value;
        return new MeasurementTally
        {
            Group = group, Channel = "email", ActionId = "a", Decisions = decisions, Sends = group == MeasurementGroup.Treated ? decisions : 0,
            Spend = cost * decisions, Conversions = conversions, Revenue = revenue, RevenueSquares = conversions * (double)value * (double)value,
        };
    }
}
