using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Learning;
using MarketingActors.Services.Learning;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MarketingActors.Tests.Grains.Services.Learning;

public sealed class CustomerLearningSpec
{
    private static readonly DateTimeOffset T0 = TestCustomers.T0;

    [Fact]
    public void Fires_looks_like_high_value_once_when_a_customer_resembles_the_published_prototypes()
    {
        var holder = new ConversionModelHolder();
        var cache = new ModelCache(null!, holder, NullLogger<ModelCache>.Instance);
        var options = Options.Create(new LearningOptions());
        var learning = new CustomerLearning(cache, new TrainingRowOutbox(null!, options, NullLogger<TrainingRowOutbox>.Instance), options);
        var buyer = new BehaviourProfile().On("product_view", T0).On("add_to_cart", T0.AddMinutes(2)).On("purchase", T0.AddMinutes(5), value: 300);
        var lookalike = ScoredCustomer.Score("c1", buyer, holder.Current, T0.AddMinutes(6));
        var means = new float[CustomerFeatures.Count];
        var scales = Enumerable.Repeat(1f, CustomerFeatures.Count).ToArray();
        Assert.True(cache.Apply(new PublishedModel
        {
            Version = LogisticPriorModel.PriorVersion,
            Generation = 1,
            Lookalike = new LookalikeProfile { Prototypes = [lookalike.Features], Means = means, Scales = scales, Bandwidth = 1 },
        }));
        var triggers = new TriggerState();
        var stranger = ScoredCustomer.Score("c2", new BehaviourProfile().On("page_view", T0), holder.Current, T0.AddDays(40));

        var first = learning.Observe("c1", new OpenSnapshots(), triggers, lookalike, conversion: false, value: 0);
        var again = learning.Observe("c1", new OpenSnapshots(), triggers, lookalike, conversion: false, value: 0);
        var other = learning.Observe("c2", new OpenSnapshots(), new TriggerState(), stranger, conversion: false, value: 0);

        Assert.Equal([TriggerNames.LooksLikeHighValue], first);
        Assert.Empty(again);
        Assert.Empty(other);
        Assert.Equal(1.0, learning.Similarity(lookalike.Features), 9);
    }

    [Fact]
    public void A_model_that_does_not_load_is_refused_and_the_current_one_stays_in_service()
    {
        var holder = new ConversionModelHolder();
        var cache = new ModelCache(null!, holder, NullLogger<ModelCache>.Instance);

        var accepted = cache.Apply(new PublishedModel { Version = "fasttree-v7", Bytes = [1, 2, 3, 4], Generation = 3 });

        Assert.False(accepted);
        Assert.Equal(LogisticPriorModel.PriorVersion, holder.Current.Version);
        Assert.Equal(-1, cache.Generation);
    }
}
