using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Learning;
using MarketingActors.Services.Learning;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MarketingActors.Tests.Grains.Core.Learning;

public sealed class OutcomeLabellerSpec
{
    private static readonly DateTimeOffset T0 = TestCustomers.T0;
    private static readonly LabelSettings Settings = new(TimeSpan.FromHours(24), MaxOpen: 4, MinSpacing: TimeSpan.FromMinutes(15));

    private static void Snap(OpenSnapshots open, DateTimeOffset at, float marker = 0) =>
        OutcomeLabeller.Snapshot(open, [marker], 0.1, "m1", at, Settings);

    [Fact]
    public void A_conversion_within_the_window_labels_every_open_snapshot_positive_with_its_value()
    {
        var open = new OpenSnapshots();
        Snap(open, T0, 1);
        Snap(open, T0.AddHours(2), 2);
        var rows = new List<TrainingRow>();

        OutcomeLabeller.Convert(open, T0.AddHours(20), 80, Settings, "c1", rows);

        Assert.Equal([1f, 2f], rows.Select(r => r.Features[0]));
        Assert.All(rows, r => Assert.True(r.Converted));
        Assert.All(rows, r => Assert.Equal(80, r.Value));
        Assert.Empty(open.Open);
    }

    [Fact]
    public void A_snapshot_whose_window_passed_becomes_a_negative_and_a_later_conversion_does_not_claim_it()
    {
        var open = new OpenSnapshots();
        Snap(open, T0, 1);
        Snap(open, T0.AddHours(10), 2);
        var rows = new List<TrainingRow>();

        OutcomeLabeller.Convert(open, T0.AddHours(30), 50, Settings, "c1", rows);

        Assert.Equal([(1f, false), (2f, true)], rows.Select(r => (r.Features[0], r.Converted)));
    }

    [Fact]
    public void Snapshots_closer_than_the_spacing_are_skipped_and_the_oldest_falls_out_past_the_bound()
    {
        var open = new OpenSnapshots();
        Snap(open, T0, 1);
        Snap(open, T0.AddMinutes(5), 99);
        for (var i = 1; i <= 4; i++) Snap(open, T0.AddHours(i), i + 1);

        Assert.Equal([2f, 3f, 4f, 5f], open.Open.Select(s => s.Features[0]));
        Assert.Equal(1, open.Dropped);
    }

    [Fact]
    public void Rows_carry_exactly_the_feature_vector_and_score_the_customer_was_served()
    {
        var profile = new BehaviourProfile().On("page_view", T0).On("product_view", T0.AddMinutes(3)).On("add_to_cart", T0.AddMinutes(4));
        var prior = new LogisticPriorModel();
        var options = Options.Create(new LearningOptions());
        var outbox = new TrainingRowOutbox(null!, options, NullLogger<TrainingRowOutbox>.Instance);
        var learning = new CustomerLearning(new ModelCache(null!, new ConversionModelHolder(), NullLogger<ModelCache>.Instance), outbox, options);
        var open = new OpenSnapshots();

        var served = ScoredCustomer.Score("c1", profile, prior, T0.AddMinutes(4));
        var recomputed = CustomerFeatures.Compute(profile, T0.AddMinutes(4));
        learning.Observe("c1", open, new TriggerState(), served, conversion: false, value: 0);
        profile.On("purchase", T0.AddHours(3), value: 40);
        learning.Observe("c1", open, new TriggerState(), ScoredCustomer.Score("c1", profile, prior, T0.AddHours(3)), conversion: true, value: 40);

        var row = Assert.Single(outbox.PendingRows);
        Assert.True(row.Converted);
        Assert.Equal(40, row.Value);
        // One feature function: the training row is bit-for-bit what online scoring computed and served.
        Assert.Equal(recomputed, row.Features);
        Assert.Equal(served.Likelihood, row.Score);
        Assert.Equal(prior.Score(recomputed), row.Score);
        Assert.Equal(prior.Version, row.ModelVersion);
    }
}
