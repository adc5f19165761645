namespace MarketingActors.Measurement;

/// <summary>Which measurement group a customer falls in for one campaign.</summary>
/// <remarks>JSON names spelled out (the API's camelCase) so the generated JSON contexts write them without a converter.</remarks>
[GenerateSerializer, Alias("ma.measurement-group")]
public enum MeasurementGroup
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("treated")] Treated,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("campaignHoldout")] CampaignHoldout,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("globalControl")] GlobalControl,
}

/// <summary>
/// The holdout draw recorded on every decision: the group, the uniform bucket the salted hash put
/// the customer in, and the salt it was drawn with (so an auditor can recompute it).
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.holdout-assignment")]
public sealed record HoldoutAssignment
{
    [Id(0)] public required MeasurementGroup Group { get; init; }
    /// <summary>Uniform in [0, 1) from hash(salt, customer, campaign); below the campaign's holdout share means held out.</summary>
    [Id(1)] public required double Bucket { get; init; }
    /// <summary>Uniform in [0, 1) from hash(salt, customer); below the global control share means global control.</summary>
    [Id(2)] public required double GlobalBucket { get; init; }
    [Id(3)] public required string SaltId { get; init; }

    public bool IsHeldOut => Group != MeasurementGroup.Treated;
}
