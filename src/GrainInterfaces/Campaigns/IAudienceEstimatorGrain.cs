namespace MarketingActors.Campaigns;

/// <summary>Sizes an audience rule over the live customers before any campaign uses it (a stateless worker: any silo answers).</summary>
[Alias("ma.audience-estimator")]
public interface IAudienceEstimatorGrain : IGrainWithIntegerKey
{
    /// <summary>The live customers matching <paramref name="rule"/>, and of them those reachable for marketing on <paramref name="channel"/> when one is given; a rule that does not validate is refused with its problems.</summary>
    [Alias("estimate")]
    Task<AudienceEstimateAnswer> Estimate(AudienceRule rule, string? channel);
}
