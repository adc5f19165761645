using MarketingActors.Core.Measurement;
using MarketingActors.Decisions;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// What a contextual decision leaves for learning and for off-policy evaluation: the context it
/// was taken in, the eligible arms with their probabilities and predicted net values, the arm
/// executed and its cost. Kept on the decision record until its outcome settles.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.policy-trace")]
public sealed record PolicyTrace
{
    [Id(0)] public required float[] Context { get; init; }
    [Id(1)] public required string[] Arms { get; init; }
    [Id(2)] public required float[] Probabilities { get; init; }
    [Id(3)] public required float[] Predicted { get; init; }
    [Id(4)] public int Chosen { get; init; }
    [Id(5)] public double Cost { get; init; }
    /// <summary>What a conversion reported without a value is worth (the campaign's conversion value when decided).</summary>
    [Id(6)] public double ConversionValue { get; init; }

    public string ArmId => Arms[Chosen];

    public double[] X() => Array.ConvertAll(Context, f => (double)f);

    /// <summary>The reward a conversion of <paramref name="revenue"/> brings: itself, or the conversion value when it came without one.</summary>
    public double RewardOf(double revenue) => revenue > 0 ? revenue : ConversionValue;

    public static PolicyTrace Of(PolicyChoice choice, IReadOnlyList<PolicyArm> arms, double[] context, int executed, double conversionValue) => new()
    {
        Context = Array.ConvertAll(context, d => (float)d),
        Arms = [.. arms.Select(a => a.ArmId)],
        Probabilities = Array.ConvertAll(choice.Probabilities, p => (float)p),
        Predicted = Array.ConvertAll(choice.PredictedValues, v => (float)v),
        Chosen = executed,
        Cost = arms[executed].Cost,
        ConversionValue = conversionValue,
    };

    /// <summary>The decision as a trial of each target policy, its reward the cost alone until a conversion changes it.</summary>
    public IEnumerable<OffPolicySums> Trials() => Targets().Select(t => OffPolicySums.Trial(t.Target, t.Weight, t.ModelPart, -Cost));

    /// <summary>Its conversion: each target's reward moves from −cost to revenue − cost.</summary>
    public IEnumerable<OffPolicySums> Converted(double revenue) =>
        Targets().Select(t => OffPolicySums.Change(t.Target, t.Weight, t.ModelPart, -Cost, revenue - Cost));

    /// <summary>Per target π: w = π(a)/p(a) and Σₖ π(k)·q̂ₖ − w·q̂ₐ, for the logged policy itself, uniform random and each fixed arm.</summary>
    private IEnumerable<(string Target, double Weight, double ModelPart)> Targets()
    {
        var p = (double)Probabilities[Chosen];
        var q = Predicted[Chosen];
        double expected = 0, mean = 0;
        for (var k = 0; k < Arms.Length; k++)
        {
            expected += Probabilities[k] * Predicted[k];
            mean += Predicted[k] / Arms.Length;
        }
        yield return (PolicyEvaluations.Policy, 1, expected - q);
        var uniform = 1.0 / Arms.Length / p;
        yield return (PolicyEvaluations.Uniform, uniform, mean - uniform * q);
        for (var k = 0; k < Arms.Length; k++)
        {
            var w = k == Chosen ? 1 / p : 0;
            yield return (PolicyEvaluations.ActionPrefix + Arms[k], w, Predicted[k] - w * q);
        }
    }
}
