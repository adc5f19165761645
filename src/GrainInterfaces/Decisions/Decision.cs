namespace MarketingActors.Decisions;

/// <summary>
/// The engine's choice of next best action for one customer, with everything needed to explain it:
/// the scores it saw, the model that produced them, and a verdict for every candidate.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.decision")]
public sealed record Decision
{
    [Id(0)] public required string DecisionId { get; init; }
    [Id(1)] public required string CustomerId { get; init; }
    [Id(2)] public required string CampaignId { get; init; }
    [Id(3)] public string? JourneyStepId { get; init; }
    /// <summary>The chosen action, or null when every candidate was blocked.</summary>
    [Id(4)] public ChosenAction? Action { get; init; }
    [Id(5)] public required DecisionScores Scores { get; init; }
    [Id(6)] public required string ModelVersion { get; init; }
    /// <summary>
    /// One verdict per candidate: always in the decision audit; an answer carries them only when
    /// asked (<c>explain=true</c>), since they are most of an answer's bytes and the caller acts on the action.
    /// </summary>
    [Id(7)] public CandidateVerdict[]? Candidates { get; init; }
    [Id(8)] public required string Reason { get; init; }
    [Id(9)] public string? Trigger { get; init; }
    [Id(10)] public required DateTimeOffset DecidedAt { get; init; }
    /// <summary>Deliver before this instant; after it the budget reservation is released.</summary>
    [Id(11)] public DateTimeOffset? ReservationExpiresAt { get; init; }
    [Id(12)] public string? Placement { get; init; }
    /// <summary>The holdout draw; when held out, Action is null and WouldHaveSent says what treatment would have been.</summary>
    [Id(13)] public Measurement.HoldoutAssignment? Holdout { get; init; }
    [Id(14)] public ChosenAction? WouldHaveSent { get; init; }
    /// <summary>Who sends the action: "engine" (a connector is configured for its channel; the delivery outbox sends it) or "caller".</summary>
    [Id(15)] public string? DeliveredBy { get; init; }
    /// <summary>Set when quiet hours defer the action: it goes out at this instant, not before.</summary>
    [Id(16)] public DateTimeOffset? DeliverAfter { get; init; }
}

/// <summary>Who sends a decision's action.</summary>
public static class DeliveredBy
{
    public const string Engine = "engine";
    public const string Caller = "caller";
}

[GenerateSerializer, Immutable, Alias("ma.chosen-action")]
public sealed record ChosenAction
{
    [Id(0)] public required string ActionId { get; init; }
    [Id(1)] public required string Channel { get; init; }
    [Id(2)] public required string Variant { get; init; }
    [Id(3)] public string? Locale { get; init; }
    [Id(4)] public required decimal Cost { get; init; }
    [Id(5)] public required string Currency { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.decision-scores")]
public sealed record DecisionScores
{
    [Id(0)] public required double ConversionLikelihood { get; init; }
    [Id(1)] public required double EngagementVelocity { get; init; }
    [Id(2)] public double ExpectedValue { get; init; }
    /// <summary>
    /// Contextual policy: the probability the customer's treatment had — the action sent, or for a
    /// campaign-holdout customer the control option (nothing sent) — under the policy, its
    /// exploration floor and the holdout together, as the off-policy estimates weigh it. None for
    /// a global-control customer, whom they leave out.
    /// </summary>
    [Id(3)] public double? Propensity { get; init; }
    /// <summary>Contextual policy: the action's predicted net value for this customer minus what the holdout predicts without any action.</summary>
    [Id(4)] public double? PredictedUplift { get; init; }
}

/// <summary>JSON names spelled out (the API's camelCase) so the generated JSON contexts write them without a converter.</summary>
[GenerateSerializer, Alias("ma.candidate-outcome")]
public enum CandidateOutcome
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("chosen")] Chosen,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("rankedLower")] RankedLower,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("blocked")] Blocked,
}

/// <summary>Why one candidate action was chosen, ranked lower, or blocked.</summary>
[GenerateSerializer, Immutable, Alias("ma.candidate-verdict")]
public sealed record CandidateVerdict
{
    [Id(0)] public required string ActionId { get; init; }
    [Id(1)] public required CandidateOutcome Outcome { get; init; }
    [Id(2)] public string[] Reasons { get; init; } = [];
    [Id(3)] public double ExpectedValue { get; init; }
    [Id(4)] public double ChannelAffinity { get; init; }
    [Id(5)] public double SampledVariantLift { get; init; }
}
