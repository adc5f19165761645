namespace MarketingActors.Campaigns;

[GenerateSerializer, Alias("ma.campaign-status")]
public enum CampaignStatus
{
    Draft,
    Active,
    Paused,
    Completed,
}

/// <summary>
/// What a campaign owner writes: who it is for, what the engine may do, in which order, under
/// which budget and guardrails. Versioned; every change bumps <see cref="Version"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.campaign")]
public sealed record CampaignDefinition
{
    [Id(0)] public string Id { get; init; } = "";
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public string Objective { get; init; } = "conversion";
    [Id(3)] public AudienceRule? Audience { get; init; }
    [Id(4)] public ActionOption[] Actions { get; init; } = [];
    [Id(5)] public JourneyDefinition Journey { get; init; } = new();
    [Id(6)] public BudgetEnvelope Budget { get; init; } = new();
    [Id(7)] public Guardrails Guardrails { get; init; } = new();
    [Id(8)] public CampaignStatus Status { get; init; } = CampaignStatus.Draft;
    [Id(9)] public long Version { get; init; }
    /// <summary>Average revenue of one conversion, the "value" in likelihood × value − cost.</summary>
    [Id(10)] public decimal ConversionValue { get; init; } = 50m;
    [Id(11)] public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Share of customers (0–50%) who go through the decision path but receive nothing, to measure lift.</summary>
    [Id(12)] public double HoldoutPercent { get; init; }
    /// <summary>
    /// Whether a customer whose locale has no approved copy of a localized variant may receive its
    /// unlocalized (default) copy. Off by default: such a customer gets nothing from that variant.
    /// </summary>
    [Id(80)] public bool AllowLocaleFallback { get; init; }
    /// <summary>Customer dimensions the variant posteriors are kept per segment on; null = one posterior per variant.</summary>
    [Id(70)] public SegmentDefinition? Segments { get; init; }
    /// <summary>How the next best action is chosen among the eligible actions; null = per-variant Thompson sampling by segment.</summary>
    [Id(71)] public DecisionPolicy? Policy { get; init; }
}

/// <summary>
/// The ranking a campaign decides with. <see cref="SegmentThompson"/>: expected value from the
/// conversion model, channel affinity and per-variant Beta posteriors by segment.
/// <see cref="Contextual"/>: contextual Thompson sampling on the customer's decision context (the
/// behavioural features and these context dimensions), which keeps the best single action unless
/// the context is clearly better, and logs every decision's propensity for off-policy evaluation.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.decision-policy")]
public sealed record DecisionPolicy
{
    public const string SegmentThompson = "segment_thompson", Contextual = "contextual";

    [Id(0)] public string Kind { get; init; } = Contextual;
    /// <summary>Traits (or features cut into buckets) the contextual model sees besides the behavioural features.</summary>
    [Id(1)] public SegmentDimension[] Context { get; init; } = [];
    /// <summary>Share of decisions spread evenly over the eligible actions (0.01–0.5): no action's propensity is ever zero. A control option is left to the campaign holdout when the holdout is at least its share.</summary>
    [Id(2)] public double ExplorationFloor { get; init; } = 0.05;
    /// <summary>Standard deviations by which a contextual estimate must beat the best single action for a customer (0–5).</summary>
    [Id(3)] public double SafetyMargin { get; init; } = 2.0;
    /// <summary>A randomized test of these actions run before the campaign, counted as evidence before its first decision (contextual policy only).</summary>
    [Id(4)] public PriorTest? PriorTest { get; init; }
}

/// <summary>
/// The per-action results of a randomized test run before this campaign (an A/B test's report:
/// sends, conversions, revenue), so the policy starts from what that test already showed instead
/// of paying again to learn it. Counted as context-free evidence (the test's customers' contexts
/// are not known), scaled by <see cref="Weight"/>; never part of the campaign's own reports.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.prior-test")]
public sealed record PriorTest
{
    /// <summary>What the test was (a name, a report's link), kept with the evidence it brings.</summary>
    [Id(0)] public string Source { get; init; } = "";
    /// <summary>Share of the test's evidence counted (0–1]: below 1 when the audience or the offer has since changed.</summary>
    [Id(1)] public double Weight { get; init; } = 1;
    [Id(2)] public PriorTestArm[] Arms { get; init; } = [];
}

/// <summary>
/// One action's result in a <see cref="PriorTest"/>: customers it was sent to (or, for a control,
/// held back from), those who converted, their revenue, and, if the test tracked it, those who
/// engaged (visited, clicked) — without it the campaign learns on conversions alone.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.prior-test-arm")]
public sealed record PriorTestArm
{
    [Id(0)] public string ActionId { get; init; } = "";
    [Id(1)] public long Trials { get; init; }
    [Id(2)] public long Conversions { get; init; }
    [Id(3)] public decimal Revenue { get; init; }
    [Id(4)] public long? Engagements { get; init; }
}

/// <summary>
/// How a campaign splits its variant learning by customer: the segment of a customer is the
/// combination of its values on each dimension (a trait as given, or a trait or feature cut into
/// buckets). Segments with little evidence fall back to the campaign-wide posterior.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.segment-definition")]
public sealed record SegmentDefinition
{
    [Id(0)] public SegmentDimension[] Dimensions { get; init; } = [];
    /// <summary>Most segments that get their own posteriors; the evidence of later segments counts campaign-wide only.</summary>
    [Id(1)] public int MaxSegments { get; init; } = 64;
    /// <summary>Weight, in deliveries, of the campaign-wide posterior in each segment's prior (hierarchical shrinkage).</summary>
    [Id(2)] public double Shrinkage { get; init; } = 400;
}

/// <summary>One segment dimension: exactly one of <see cref="Trait"/> or <see cref="Feature"/>; buckets are ascending cut points.</summary>
[GenerateSerializer, Immutable, Alias("ma.segment-dimension")]
public sealed record SegmentDimension
{
    [Id(0)] public string? Trait { get; init; }
    [Id(1)] public string? Feature { get; init; }
    /// <summary>Cut points c₁ &lt; c₂ &lt; …: bucket 0 is value &lt; c₁, bucket i is cᵢ ≤ value &lt; cᵢ₊₁. Empty: the trait's value itself.</summary>
    [Id(2)] public double[] Buckets { get; init; } = [];
}

/// <summary>One thing the engine may do for a customer: a variant on a channel, in a locale, at a cost.</summary>
[GenerateSerializer, Immutable, Alias("ma.action-option")]
public sealed record ActionOption
{
    [Id(0)] public string Id { get; init; } = "";
    [Id(1)] public string Channel { get; init; } = "";
    [Id(2)] public string Variant { get; init; } = "";
    [Id(3)] public string? Locale { get; init; }
    [Id(4)] public decimal Cost { get; init; }
    /// <summary>On-site slot (e.g. "home_hero") for web/app personalization; null for outbound channels.</summary>
    [Id(5)] public string? Placement { get; init; }
    /// <summary>Sensitive variants (and every variant an agent created) reach customers only once a reviewer approved them.</summary>
    [Id(6)] public Sensitivity Sensitivity { get; init; }
    /// <summary>Set only by the approval flow; a change to the variant's content clears it.</summary>
    [Id(7)] public VariantApproval? Approval { get; init; }
    [Id(8)] public bool AgentCreated { get; init; }
    /// <summary>The copy the engine renders and delivers; null leaves rendering to whoever delivers (the caller, or the webhook's receiver).</summary>
    [Id(9)] public ActionContent? Content { get; init; }
    /// <summary>
    /// A control option: it sends nothing (free, no content), the same treatment the holdout gets,
    /// so the contextual policy learns its value from the held-out customers as well as from its own picks.
    /// </summary>
    [Id(10)] public bool Control { get; init; }

    public bool NeedsApproval => Sensitivity != Sensitivity.None || AgentCreated;
}

[GenerateSerializer, Alias("ma.sensitivity")]
public enum Sensitivity
{
    None,
    Pricing,
    RegulatedClaim,
    BrandCritical,
}

[GenerateSerializer, Immutable, Alias("ma.variant-approval")]
public sealed record VariantApproval
{
    [Id(0)] public required string ApprovalId { get; init; }
    [Id(1)] public required string ApprovedBy { get; init; }
    [Id(2)] public DateTimeOffset ApprovedAt { get; init; }
}

/// <summary>
/// Entry trigger, ordered steps and re-routes. A step either lets the engine choose among
/// actions, waits, branches on features, or exits. Conversions end the journey when
/// <see cref="ExitOnConversion"/> is set.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.journey")]
public sealed record JourneyDefinition
{
    /// <summary>A canonical event type (e.g. "page_view") or a trigger name (e.g. "likely_to_convert_24h").</summary>
    [Id(0)] public string EntryTrigger { get; init; } = "";
    [Id(1)] public JourneyStep[] Steps { get; init; } = [];
    [Id(2)] public bool ExitOnConversion { get; init; } = true;
    /// <summary>Trigger name → step id: a trigger fired while the customer is in the journey moves them there.</summary>
    [Id(3)] public Dictionary<string, string> Reroutes { get; init; } = new();
    /// <summary>Whether a customer may enter again after exiting.</summary>
    [Id(4)] public bool AllowReentry { get; init; }
}

[GenerateSerializer, Alias("ma.step-kind")]
public enum StepKind
{
    Action,
    Wait,
    Branch,
    Exit,
}

[GenerateSerializer, Immutable, Alias("ma.journey-step")]
public sealed record JourneyStep
{
    [Id(0)] public string Id { get; init; } = "";
    [Id(1)] public StepKind Kind { get; init; }
    /// <summary>Action step: the candidate action ids the engine chooses among (empty: all of the campaign's actions).</summary>
    [Id(2)] public string[] ActionIds { get; init; } = [];
    /// <summary>Wait step: how long to wait before moving on.</summary>
    [Id(3)] public TimeSpan? Duration { get; init; }
    /// <summary>Wait step: an event type that ends the wait early.</summary>
    [Id(4)] public string? UntilEvent { get; init; }
    /// <summary>Branch step: first matching branch wins; otherwise <see cref="Next"/>.</summary>
    [Id(5)] public JourneyBranch[] Branches { get; init; } = [];
    /// <summary>The step that follows; null means the next one in the list.</summary>
    [Id(6)] public string? Next { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.journey-branch")]
public sealed record JourneyBranch
{
    [Id(0)] public AudienceRule When { get; init; } = new();
    [Id(1)] public string Goto { get; init; } = "";
}

/// <summary>A predicate over features and traits: every condition in All, and at least one in Any (when Any is not empty).</summary>
[GenerateSerializer, Immutable, Alias("ma.rule")]
public sealed record AudienceRule
{
    [Id(0)] public RuleCondition[] All { get; init; } = [];
    [Id(1)] public RuleCondition[] Any { get; init; } = [];
}

/// <summary>
/// Field is a feature name (likelihood, velocity, engagement_24h, …) or "trait.&lt;name&gt;";
/// Op is one of eq, neq, gt, gte, lt, lte, in, exists.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.rule-condition")]
public sealed record RuleCondition
{
    [Id(0)] public string Field { get; init; } = "";
    [Id(1)] public string Op { get; init; } = "eq";
    [Id(2)] public string Value { get; init; } = "";
}

[GenerateSerializer, Immutable, Alias("ma.budget-envelope")]
public sealed record BudgetEnvelope
{
    [Id(0)] public decimal Total { get; init; }
    /// <summary>Spend ceiling per UTC day; null means only the total applies.</summary>
    [Id(1)] public decimal? Daily { get; init; }
    [Id(2)] public string Currency { get; init; } = "USD";
}

[GenerateSerializer, Immutable, Alias("ma.guardrails")]
public sealed record Guardrails
{
    /// <summary>Channel → cap. A customer is not contacted on the channel more than Max times within Window.</summary>
    [Id(0)] public Dictionary<string, FrequencyCap> FrequencyCaps { get; init; } = new();
    [Id(1)] public QuietHours? QuietHours { get; init; }
    [Id(2)] public double MinLikelihood { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.frequency-cap")]
public sealed record FrequencyCap
{
    [Id(0)] public int Max { get; init; }
    [Id(1)] public TimeSpan Window { get; init; }
}

/// <summary>Local-time window in the customer's time zone in which outbound channels stay silent (may wrap midnight).</summary>
[GenerateSerializer, Immutable, Alias("ma.quiet-hours")]
public sealed record QuietHours
{
    [Id(0)] public TimeOnly Start { get; init; }
    [Id(1)] public TimeOnly End { get; init; }
    /// <summary>Channels the quiet hours apply to; empty means every outbound channel.</summary>
    [Id(2)] public string[] Channels { get; init; } = [];
    /// <summary>What a decision that falls inside the window does: skip the action, or defer its delivery to the window's end.</summary>
    [Id(3)] public QuietHoursMode Mode { get; init; } = QuietHoursMode.Skip;
}

[GenerateSerializer, Alias("ma.quiet-hours-mode")]
public enum QuietHoursMode
{
    /// <summary>The action is blocked (quiet_hours) and another candidate, or nothing, is chosen.</summary>
    Skip,
    /// <summary>The action is chosen and delivered at the next local time outside the window, after its guardrails are checked again.</summary>
    Defer,
}
