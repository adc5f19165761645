using MarketingActors.Core.Measurement;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

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
    /// <summary>
    /// The campaign's holdout share when decided: a customer outside the global control is held
    /// out with this probability, whatever the policy would do, and then gets the control option's
    /// treatment (nothing sent). 0 in traces recorded before held-out decisions counted in the
    /// off-policy estimates, which then keep to the treated ones.
    /// </summary>
    [Id(7)] public double HoldoutShare { get; init; }
    /// <summary>The control option's index among <see cref="Arms"/>, −1 when none is eligible (read only when <see cref="HoldoutShare"/> > 0).</summary>
    [Id(8)] public int ControlArm { get; init; } = -1;

    public string ArmId => Arms[Chosen];

    public double[] X() => Array.ConvertAll(Context, f => (double)f);

    /// <summary>The reward a conversion of <paramref name="revenue"/> brings: itself, or the conversion value when it came without one.</summary>
    public double RewardOf(double revenue) => revenue > 0 ? revenue : ConversionValue;

    public static PolicyTrace Of(PolicyChoice choice, IReadOnlyList<PolicyArm> arms, double[] context, int executed, double conversionValue, double holdoutShare) => new()
    {
        Context = Array.ConvertAll(context, d => (float)d),
        Arms = [.. arms.Select(a => a.ArmId)],
        Probabilities = Array.ConvertAll(choice.Probabilities, p => (float)p),
        Predicted = Array.ConvertAll(choice.PredictedValues, v => (float)v),
        Chosen = executed,
        Cost = arms[executed].Cost,
        ConversionValue = conversionValue,
        HoldoutShare = holdoutShare,
        ControlArm = ContextualPolicy.ControlArm(arms),
    };

    /// <summary>
    /// What the customer of group <paramref name="group"/> got, as the off-policy estimates count
    /// it: the executed arm (its cost) for a treated one; for one held out of the campaign, the
    /// control option (−1 when none was eligible: nothing no target policy picks), at no cost;
    /// nothing for a global-control customer, whose share of the decisions the trace does not know,
    /// nor for a held-out one of a trace without <see cref="HoldoutShare"/>.
    /// </summary>
    public (int Arm, double Cost)? Logged(MeasurementGroup group) => group switch
    {
        MeasurementGroup.Treated => (Chosen, Cost),
        MeasurementGroup.CampaignHoldout when HoldoutShare > 0 => (ControlArm, 0),
        _ => null,
    };

    /// <summary>
    /// The probability the logging process gave arm <paramref name="arm"/> (−1: nothing sent
    /// without a control option): the holdout's share for the control treatment, plus the rest
    /// times the policy's probability.
    /// </summary>
    public double LoggedPropensity(int arm) =>
        (arm == ControlArm ? HoldoutShare : 0) + (arm < 0 ? 0 : (1 - HoldoutShare) * Probabilities[arm]);

    /// <summary>The decision as a trial of each target policy, its reward the cost alone until a conversion changes it.</summary>
    public IEnumerable<OffPolicySums> Trials(MeasurementGroup group) => Logged(group) is { } logged
        ? Targets(logged.Arm).Select(t => OffPolicySums.Trial(t.Target, t.Weight, t.ModelPart, -logged.Cost))
        : [];

    /// <summary>Its conversion: each target's reward moves from −cost to revenue − cost.</summary>
    public IEnumerable<OffPolicySums> Converted(double revenue, MeasurementGroup group) => Logged(group) is { } logged
        ? Targets(logged.Arm).Select(t => OffPolicySums.Change(t.Target, t.Weight, t.ModelPart, -logged.Cost, revenue - logged.Cost))
        : [];

    /// <summary>
    /// Per target π, for a decision logged as <paramref name="logged"/>: w = π(logged) / p(logged),
    /// p the <see cref="LoggedPropensity"/>, and Σₖ π(k)·q̂ₖ − w·q̂(logged); for the policy itself
    /// (without its holdout), uniform random and each fixed arm. None of them sends nothing
    /// without a control option, so such a decision weighs 0 and adds only its model part.
    /// </summary>
    private IEnumerable<(string Target, double Weight, double ModelPart)> Targets(int logged)
    {
        var p = LoggedPropensity(logged);
        var q = logged < 0 ? 0 : Predicted[logged];
        double expected = 0, mean = 0;
        for (var k = 0; k < Arms.Length; k++)
        {
            expected += Probabilities[k] * Predicted[k];
            mean += Predicted[k] / Arms.Length;
        }
        var own = logged < 0 ? 0 : Probabilities[logged] / p;
        yield return (PolicyEvaluations.Policy, own, expected - own * q);
        var uniform = logged < 0 ? 0 : 1.0 / Arms.Length / p;
        yield return (PolicyEvaluations.Uniform, uniform, mean - uniform * q);
        for (var k = 0; k < Arms.Length; k++)
        {
            var w = k == logged ? 1 / p : 0;
            yield return (PolicyEvaluations.ActionPrefix + Arms[k], w, Predicted[k] - w * q);
        }
    }
}
