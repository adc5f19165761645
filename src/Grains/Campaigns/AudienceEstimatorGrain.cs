using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Measurement;
using MarketingActors.Core.Rules;
using MarketingActors.Customers;
using MarketingActors.Events;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace MarketingActors.Campaigns;

/// <summary>
/// Sizes an audience rule: lists the customer activations in the cluster, asks a uniform sample of
/// them (all, up to the sample size) and scales the answers. Customers are asked in bounded waves
/// so a large sample does not flood the silos' queues.
/// </summary>
[StatelessWorker]
public sealed class AudienceEstimatorGrain(IOptions<MeasurementOptions> options) : Grain, IAudienceEstimatorGrain
{
    private const int Wave = 256;

    public async Task<AudienceEstimateAnswer> Estimate(AudienceRule rule, string? channel)
    {
        string[] errors = [.. RuleEvaluator.Validate(rule, "rule"), .. channel is null || EventCatalog.KnownChannels.Contains(channel) ? [] : new[] { $"channel: one of {string.Join(", ", EventCatalog.KnownChannels)}" }];
        if (errors.Length > 0) return new AudienceEstimateAnswer { Errors = errors };
        var customerType = GrainFactory.GetGrain<ICustomerGrain>("_").GetGrainId().Type;
        var live = await GrainFactory.GetGrain<IManagementGrain>(0).GetActiveGrains(customerType);
        var sample = AudienceEstimation.Sample(live, options.Value.AudienceSampleSize, Random.Shared);
        var probes = new List<AudienceProbe>(sample.Count);
        foreach (var wave in sample.Chunk(Wave))
        {
            probes.AddRange(await Task.WhenAll(wave.Select(id => GrainFactory.GetGrain<ICustomerGrain>(id).ProbeAudience(rule, channel))));
        }
        return new AudienceEstimateAnswer { Estimate = AudienceEstimation.Estimate(live.Count, probes, channel) };
    }
}
