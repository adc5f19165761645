using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Profiles;
using MarketingActors.Decisions;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Decisions;

/// <summary>EV = conversionValue × likelihood × affinity(channel) × lift(variant) − cost, lift a Thompson draw.</summary>
public class NextBestActionPolicySpec
{
    private static readonly IReadOnlyDictionary<string, VariantPosterior> NoEvidence = new Dictionary<string, VariantPosterior>();

    private static ActionOption Action(string id, string channel, string variant = "a", string? locale = null, decimal cost = 0.05m, string? placement = null) =>
        new() { Id = id, Channel = channel, Variant = variant, Locale = locale, Cost = cost, Placement = placement };

    private static CampaignDefinition Campaign(params ActionOption[] actions) => new()
    {
        Id = "spring",
        Name = "Spring",
        Status = CampaignStatus.Active,
        Actions = actions,
        ConversionValue = 50m,
    };

    private static CandidateRanking Rank(CampaignDefinition campaign, ScoredCustomer customer, int seed,
        IReadOnlyDictionary<string, VariantPosterior>? posteriors = null, string[]? allowed = null, string? placement = null) =>
        NextBestActionPolicy.Rank(campaign, allowed ?? [], placement, customer, VariantEvidence.Of((posteriors ?? NoEvidence).Values), segment: null, new Random(seed));

    private static BehaviourProfile OptedIn() => new BehaviourProfile().Identify(T0.AddDays(-10), ("consent.email", "true"));

    [Fact]
    public void A_customer_who_skips_emails_and_clicks_ads_gets_the_ads_action_first_for_almost_every_seed()
    {
        var profile = OptedIn();
        for (var i = 0; i < 5; i++) profile.On("email_sent", T0.AddDays(-5 + i)).On("email_skipped", T0.AddDays(-5 + i).AddHours(1));
        for (var i = 0; i < 3; i++) profile.On("ad_impression", T0.AddDays(-3 + i)).On("ad_clicked", T0.AddDays(-3 + i).AddMinutes(1));
        var customer = profile.Score(T0);
        var campaign = Campaign(Action("email-a", "email"), Action("ads-a", "ads"));

        var adsFirst = Enumerable.Range(0, 100).Count(seed => Rank(campaign, customer, seed).Eligible[0].Action.Id == "ads-a");

        Assert.True(adsFirst >= 95, $"ads ranked first for {adsFirst}/100 seeds");
    }

    [Fact]
    public void The_same_campaign_prefers_email_for_a_customer_who_answers_emails_and_skips_ads()
    {
        var profile = OptedIn();
        for (var i = 0; i < 5; i++) profile.On("email_sent", T0.AddDays(-5 + i)).On("email_clicked", T0.AddDays(-5 + i).AddHours(1));
        for (var i = 0; i < 3; i++) profile.On("ad_impression", T0.AddDays(-3 + i)).On("ad_skipped", T0.AddDays(-3 + i));
        var customer = profile.Score(T0);
        var campaign = Campaign(Action("email-a", "email"), Action("ads-a", "ads"));

        var emailFirst = Enumerable.Range(0, 100).Count(seed => Rank(campaign, customer, seed).Eligible[0].Action.Id == "email-a");

        Assert.True(emailFirst >= 95, $"email ranked first for {emailFirst}/100 seeds");
    }

    [Fact]
    public void Without_evidence_the_expected_value_is_value_times_likelihood_times_affinity_minus_cost()
    {
        var profile = new BehaviourProfile().Times(3, "ad_clicked", T0.AddHours(-2));
        var customer = profile.Score(T0);
        var ranking = Rank(Campaign(Action("ads-a", "ads", cost: 0.25m)), customer, seed: 1);

        var only = Assert.Single(ranking.Eligible);
        Assert.Equal(0.8, only.Affinity, 9);
        Assert.Equal(50 * customer.Likelihood * 0.8 - 0.25, only.MeanExpectedValue, 9);
        Assert.Equal(50 * customer.Likelihood * 0.8 * only.SampledLift - 0.25, only.ExpectedValue, 9);
    }

    [Fact]
    public void Blocked_candidates_carry_their_reasons_and_are_not_ranked()
    {
        var customer = new BehaviourProfile().On("page_view", T0).Score(T0); // no email opt-in
        var ranking = Rank(Campaign(Action("email-a", "email"), Action("ads-a", "ads")), customer, seed: 1);

        Assert.Equal(["ads-a"], ranking.Eligible.Select(c => c.Action.Id));
        var blocked = Assert.Single(ranking.Blocked);
        Assert.Equal("email-a", blocked.ActionId);
        Assert.Equal(CandidateOutcome.Blocked, blocked.Outcome);
        Assert.Equal([BlockReasons.ConsentMissing], blocked.Reasons);
    }

    [Fact]
    public void Only_the_step_actions_and_the_requested_placement_are_considered()
    {
        var customer = OptedIn().Score(T0);
        var campaign = Campaign(Action("email-a", "email"), Action("email-b", "email", "b"), Action("hero", "web", placement: "home_hero"));

        var step = Rank(campaign, customer, 1, allowed: ["email-b"]);
        Assert.Equal(["email-b"], step.Eligible.Select(c => c.Action.Id));
        Assert.Empty(step.Blocked);

        var onSite = Rank(campaign, customer, 1, placement: "HOME_HERO");
        Assert.Equal(["hero"], onSite.Eligible.Select(c => c.Action.Id));
    }

    [Theory]
    [InlineData("fr-CA", "welcome-fr-ca")]
    [InlineData("fr-BE", "welcome-fr")]
    [InlineData("de", "welcome")]
    [InlineData(null, "welcome")]
    public void The_best_fitting_locale_of_a_variant_supersedes_the_fallbacks(string? customerLocale, string expected)
    {
        var profile = OptedIn();
        if (customerLocale is not null) profile.Identify(T0, ("locale", customerLocale));
        var campaign = Campaign(
            Action("welcome", "email"),
            Action("welcome-fr", "email", locale: "fr"),
            Action("welcome-fr-ca", "email", locale: "fr-CA")) with { AllowLocaleFallback = true };

        var ranking = Rank(campaign, profile.Score(T0), seed: 3);

        Assert.Equal([expected], ranking.Eligible.Select(c => c.Action.Id));
        Assert.All(ranking.Blocked, v => Assert.Single(v.Reasons, r => r is BlockReasons.LocaleSuperseded or BlockReasons.LocaleMismatch));
        Assert.Equal(2, ranking.Blocked.Count);
    }

    [Fact]
    public void Without_locale_fallback_a_customer_whose_locale_copy_awaits_approval_gets_nothing_of_that_variant()
    {
        var profile = OptedIn().Identify(T0, ("locale", "fr-CA"));
        var actions = new[] { Action("claim", "email"), Action("claim-fr", "email", locale: "fr") with { Sensitivity = Sensitivity.RegulatedClaim } };

        var strict = Rank(Campaign(actions), profile.Score(T0), seed: 3);
        var lenient = Rank(Campaign(actions) with { AllowLocaleFallback = true }, profile.Score(T0), seed: 3);

        Assert.Empty(strict.Eligible);
        Assert.Equal([BlockReasons.LocaleFallbackNotAllowed], strict.Blocked.Single(v => v.ActionId == "claim").Reasons);
        Assert.Equal([BlockReasons.ApprovalRequired], strict.Blocked.Single(v => v.ActionId == "claim-fr").Reasons);
        Assert.Equal(["claim"], lenient.Eligible.Select(c => c.Action.Id));
    }

    [Fact]
    public void Strong_evidence_shifts_the_ranking_to_the_better_converting_variant()
    {
        var customer = OptedIn().On("page_view", T0).Score(T0);
        var campaign = Campaign(Action("email-a", "email", "a"), Action("email-b", "email", "b"));
        var posteriors = new Dictionary<string, VariantPosterior>
        {
            ["email-a"] = new() { ActionId = "email-a", Deliveries = 1000, Conversions = 100 },
            ["email-b"] = new() { ActionId = "email-b", Deliveries = 1000, Conversions = 20 },
        };

        var aFirst = Enumerable.Range(0, 100).Count(seed => Rank(campaign, customer, seed, posteriors).Eligible[0].Action.Id == "email-a");

        Assert.True(aFirst >= 95, $"the 10% variant ranked first for {aFirst}/100 seeds");
        var ranking = Rank(campaign, customer, 0, posteriors);
        Assert.True(ranking.Eligible.Single(c => c.Action.Id == "email-a").MeanExpectedValue >
                    ranking.Eligible.Single(c => c.Action.Id == "email-b").MeanExpectedValue);
    }

    [Fact]
    public void Without_evidence_variants_take_turns_so_each_gets_explored()
    {
        var customer = OptedIn().On("page_view", T0).Score(T0);
        var campaign = Campaign(Action("email-a", "email", "a"), Action("email-b", "email", "b"));

        var aFirst = Enumerable.Range(0, 200).Count(seed => Rank(campaign, customer, seed).Eligible[0].Action.Id == "email-a");

        Assert.InRange(aFirst, 40, 160);
    }

    [Fact]
    public void The_same_seed_gives_the_same_ranking()
    {
        var customer = OptedIn().On("page_view", T0).Score(T0);
        var campaign = Campaign(Action("email-a", "email", "a"), Action("email-b", "email", "b"), Action("ads-a", "ads"));
        var first = Rank(campaign, customer, 1234).Eligible.Select(c => (c.Action.Id, c.ExpectedValue));
        var second = Rank(campaign, customer, 1234).Eligible.Select(c => (c.Action.Id, c.ExpectedValue));
        Assert.Equal(first, second);
    }

    [Fact]
    public void The_pooled_rate_is_smoothed_so_it_is_never_zero_or_one()
    {
        Assert.Equal(0.5, NextBestActionPolicy.PooledRate([]));
        Assert.Equal(11.0 / 202, NextBestActionPolicy.PooledRate([
            new VariantPosterior { ActionId = "a", Deliveries = 100, Conversions = 10 },
            new VariantPosterior { ActionId = "b", Deliveries = 100, Conversions = 0 },
        ]), 12);
        // Conversions without recorded deliveries still count as exposures.
        Assert.Equal(6.0 / 7, NextBestActionPolicy.PooledRate([new VariantPosterior { ActionId = "a", Deliveries = 0, Conversions = 5 }]), 12);
    }

    private static RankedCandidate Candidate(string id, double ev, double meanEv) =>
        new(Action(id, "ads"), Affinity: 0.5, SampledLift: 1, ExpectedValue: ev, MeanExpectedValue: meanEv);

    private static CandidateRanking Ranking(params RankedCandidate[] eligible)
    {
        var ranking = new CandidateRanking();
        ranking.Eligible.AddRange(eligible);
        ranking.Blocked.Add(new CandidateVerdict { ActionId = "email-a", Outcome = CandidateOutcome.Blocked, Reasons = [BlockReasons.ConsentMissing] });
        return ranking;
    }

    [Fact]
    public void Explain_marks_budget_blocked_candidates_as_budget_exhausted()
    {
        var ranking = Ranking(Candidate("a", 3, 3), Candidate("b", 2, 2), Candidate("c", 1, 1));

        var (verdicts, reason) = NextBestActionPolicy.Explain(ranking, chosenIndex: 1, budgetBlocked: new HashSet<string> { "a" });

        Assert.Equal(["a", "b", "c", "email-a"], verdicts.Select(v => v.ActionId));
        Assert.Equal(CandidateOutcome.Blocked, verdicts[0].Outcome);
        Assert.Equal([BlockReasons.BudgetExhausted], verdicts[0].Reasons);
        Assert.Equal(CandidateOutcome.Chosen, verdicts[1].Outcome);
        Assert.Empty(verdicts[1].Reasons);
        Assert.Equal(CandidateOutcome.RankedLower, verdicts[2].Outcome);
        Assert.Equal([BlockReasons.LowerExpectedValue], verdicts[2].Reasons);
        Assert.Equal([BlockReasons.ConsentMissing], verdicts[3].Reasons);
        Assert.Equal("exploration", reason); // a had the higher mean value; b was taken because a's budget ran out
    }

    [Fact]
    public void Explain_says_why_nothing_was_chosen()
    {
        var ranking = Ranking(Candidate("a", 3, 3));
        Assert.Equal(BlockReasons.BudgetExhausted, NextBestActionPolicy.Explain(ranking, -1, new HashSet<string> { "a" }).Reason);
        Assert.Equal("no_eligible_candidate", NextBestActionPolicy.Explain(Ranking(), -1, new HashSet<string>()).Reason);
    }

    [Fact]
    public void Explain_distinguishes_exploitation_from_exploration()
    {
        var none = new HashSet<string>();
        Assert.Equal("only_eligible_candidate", NextBestActionPolicy.Explain(Ranking(Candidate("a", 1, 1)), 0, none).Reason);
        Assert.Equal("highest_expected_value", NextBestActionPolicy.Explain(Ranking(Candidate("a", 3, 2), Candidate("b", 2, 1)), 0, none).Reason);
        // The draw put b first although a is better on average: the engine is exploring.
        Assert.Equal("exploration", NextBestActionPolicy.Explain(Ranking(Candidate("b", 3, 1), Candidate("a", 2, 2)), 0, none).Reason);
    }

    [Fact]
    public void Explain_rounds_the_scores_it_reports()
    {
        var ranking = Ranking(new RankedCandidate(Action("a", "ads"), 0.123456789, 1.987654321, 2.000000049, 2));
        var verdict = NextBestActionPolicy.Explain(ranking, 0, new HashSet<string>()).Verdicts[0];
        Assert.Equal(0.123457, verdict.ChannelAffinity);
        Assert.Equal(1.987654, verdict.SampledVariantLift);
        Assert.Equal(2.0, verdict.ExpectedValue);
    }
}
