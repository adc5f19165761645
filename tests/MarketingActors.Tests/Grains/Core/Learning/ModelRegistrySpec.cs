using MarketingActors.Core.Learning;
using MarketingActors.Learning;

namespace MarketingActors.Tests.Grains.Core.Learning;

public sealed class ModelRegistrySpec
{
    private static readonly DateTimeOffset At = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    private static ModelEntry Entry(string version, double auc = 0.8) => new()
    {
        Info = new ModelVersionInfo
        {
            Version = version,
            Status = ModelStatus.Rejected,
            TrainedAt = At,
            Metrics = new ModelMetrics { Auc = auc },
            FeatureSchemaHash = "h",
        },
        Bytes = [1, 2, 3],
    };

    [Fact]
    public void Starts_with_the_prior_as_champion_and_publishes_it_without_bytes()
    {
        var registry = new ModelRegistry();

        Assert.Equal(ModelRegistry.Prior, registry.Champion);
        Assert.Empty(registry.Published().Bytes);
    }

    [Fact]
    public void Promotion_and_rollback_move_the_champion_and_are_recorded_with_who_from_and_to()
    {
        var registry = new ModelRegistry();
        registry.Register(Entry("v1"));
        registry.Register(Entry("v2"));

        registry.Promote("v1", "system", "better", At);
        registry.Promote("v2", "system", "better", At.AddHours(1));
        registry.Rollback("v1", "alice@example.com", "conversion dip", At.AddHours(2), automatic: false);

        Assert.Equal("v1", registry.Champion);
        Assert.Equal(ModelStatus.RolledBack, registry.Find("v2")!.Info.Status);
        Assert.Equal(ModelStatus.Champion, registry.Find("v1")!.Info.Status);
        Assert.Equal(3, registry.Generation);
        Assert.Equal(
            [("promote", "system", ModelRegistry.Prior, "v1"), ("promote", "system", "v1", "v2"), ("rollback", "alice@example.com", "v2", "v1")],
            registry.History.Select(h => (h.Action, h.Actor, h.From, h.To)));
        Assert.Equal("v1", registry.Find("v2")!.Predecessor);
    }

    [Fact]
    public void Rolling_back_to_an_unknown_version_or_the_champion_is_refused_and_changes_nothing()
    {
        var registry = new ModelRegistry();
        registry.Register(Entry("v1"));
        registry.Promote("v1", "system", "better", At);

        Assert.Equal(LearningReasons.ModelNotFound, Assert.Throws<LearningException>(() => registry.Rollback("v9", "a", "", At, false)).Reason);
        Assert.Equal(LearningReasons.AlreadyChampion, Assert.Throws<LearningException>(() => registry.Rollback("v1", "a", "", At, false)).Reason);
        Assert.Equal("v1", registry.Champion);
        Assert.Single(registry.History);
    }

    [Fact]
    public void The_prior_can_be_rolled_back_to()
    {
        var registry = new ModelRegistry();
        registry.Register(Entry("v1"));
        registry.Promote("v1", "system", "better", At);

        registry.Rollback(ModelRegistry.Prior, "bob", "", At, automatic: true);

        Assert.Equal(ModelRegistry.Prior, registry.Champion);
        Assert.Equal("auto_rollback", registry.History[^1].Action);
        Assert.Empty(registry.Published().Bytes);
    }
}

public sealed class ChampionChallengerSpec
{
    [Theory]
    [InlineData(0.80, 0.79, 0.005, true)]
    [InlineData(0.80, 0.798, 0.005, false)]
    [InlineData(0.70, 0.75, 0.0, false)]
    public void Promotes_only_when_the_challenger_beats_the_champion_by_the_margin(double challenger, double champion, double margin, bool promote)
    {
        Assert.Equal(promote, ChampionChallenger.ShouldPromote(new ModelMetrics { Auc = challenger }, new ModelMetrics { Auc = champion }, margin));
    }

    [Fact]
    public void Never_promotes_a_challenger_whose_auc_is_undefined()
    {
        Assert.False(ChampionChallenger.ShouldPromote(new ModelMetrics { Auc = double.NaN }, new ModelMetrics { Auc = 0.5 }, 0));
    }

    [Theory]
    [InlineData(0.70, 0.78, 2_000, 100, true)]
    [InlineData(0.76, 0.78, 2_000, 100, false)]
    [InlineData(0.70, 0.78, 200, 100, false)]
    [InlineData(0.70, 0.78, 2_000, 5, false)]
    public void Rolls_back_only_on_enough_live_evidence_of_a_drop_beyond_the_margin(double live, double reference, int rows, int positives, bool rollBack)
    {
        var champion = new LiveModelQuality { Version = "v2", LiveAuc = live, LabelledRows = rows, Positives = positives };

        Assert.Equal(rollBack, ChampionChallenger.ShouldRollBack(champion, reference, minRows: 1_000, minPositives: 30, margin: 0.03));
    }
}
