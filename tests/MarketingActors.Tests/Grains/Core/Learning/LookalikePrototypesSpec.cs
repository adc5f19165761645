using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Learning;

public sealed class LookalikePrototypesSpec
{
    [Fact]
    public void Top_converters_look_like_the_prototypes_and_typical_non_converters_do_not()
    {
        var rows = SyntheticOutcomes.Rows(8_000, seed: 21);
        var profile = LookalikePrototypes.Build(rows, CustomerFeatures.Count, new LookalikePrototypes.Settings())!;
        var top = rows.Where(r => r.Converted).OrderByDescending(r => r.Value).Take(50).ToArray();
        var others = rows.Where(r => !r.Converted).Take(500).ToArray();

        var topSimilarity = top.Average(r => LookalikePrototypes.Similarity(profile, r.Features));
        var otherSimilarity = others.Average(r => LookalikePrototypes.Similarity(profile, r.Features));

        Assert.InRange(profile.Prototypes.Length, 1, 4);
        Assert.True(topSimilarity > 2 * otherSimilarity, $"top converters {topSimilarity:F3}, non-converters {otherSimilarity:F3}");
    }

    [Fact]
    public void Too_few_valued_converters_give_no_prototypes()
    {
        var rows = SyntheticOutcomes.Rows(500, seed: 22).Select(r => r with { Value = 0 }).ToArray();

        Assert.Null(LookalikePrototypes.Build(rows, CustomerFeatures.Count, new LookalikePrototypes.Settings()));
    }

    [Fact]
    public void The_trigger_fires_once_on_crossing_and_rearms_below_the_band()
    {
        var state = new TriggerState();

        Assert.True(TriggerDetector.OnLookalike(state, 0.7, 0.6));
        Assert.False(TriggerDetector.OnLookalike(state, 0.8, 0.6));
        Assert.False(TriggerDetector.OnLookalike(state, 0.55, 0.6));
        Assert.False(TriggerDetector.OnLookalike(state, 0.45, 0.6));
        Assert.True(TriggerDetector.OnLookalike(state, 0.65, 0.6));
    }
}
