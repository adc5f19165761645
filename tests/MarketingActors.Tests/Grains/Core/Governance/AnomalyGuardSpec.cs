using MarketingActors.Core.Governance;
using MarketingActors.Services.Governance;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class AnomalyGuardSpec
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly AnomalyOptions Options = new() { Window = TimeSpan.FromHours(1), SpendPacingFactor = 3, ConversionCollapseRatio = 0.25, MinDeliveries = 100 };

    private static List<CampaignSample> Samples(params (double Hours, decimal Committed, long Deliveries, long Conversions)[] points)
    {
        var samples = new List<CampaignSample>();
        foreach (var p in points) AnomalyGuard.Record(samples, new CampaignSample(T0.AddHours(p.Hours), p.Committed, p.Deliveries, p.Conversions), Options.Window);
        return samples;
    }

    [Fact]
    public void Spending_faster_than_pacing_times_k_is_an_anomaly_and_pacing_itself_is_not()
    {
        // Daily 240 → 10 per hour; k = 3 allows 30 in the one-hour window.
        Assert.Null(AnomalyGuard.Check(Samples((0, 0, 0, 0), (1, 25, 0, 0)), 240m, Options));
        Assert.Equal(AnomalyGuard.SpendRate, AnomalyGuard.Check(Samples((0, 0, 0, 0), (0.5, 31, 0, 0)), 240m, Options)?.Reason);
        Assert.Equal(AnomalyGuard.SpendRate, AnomalyGuard.Check(Samples((0, 100, 0, 0), (5, 110, 0, 0), (5.5, 150, 0, 0)), 240m, Options)?.Reason);
        Assert.Null(AnomalyGuard.Check(Samples((0, 0, 0, 0), (0.5, 31, 0, 0)), null, Options));
    }

    [Fact]
    public void A_conversion_rate_collapse_against_the_campaign_baseline_is_an_anomaly_once_there_is_enough_evidence()
    {
        // Baseline 10 % over 1000 deliveries; then 2 % over the last hour's 200.
        Assert.Equal(AnomalyGuard.ConversionCollapse, AnomalyGuard.Check(Samples((0, 0, 1000, 100), (1, 0, 1200, 104)), null, Options)?.Reason);
        Assert.Null(AnomalyGuard.Check(Samples((0, 0, 1000, 100), (1, 0, 1200, 115)), null, Options));
        Assert.Null(AnomalyGuard.Check(Samples((0, 0, 1000, 100), (1, 0, 1050, 100)), null, Options));
        Assert.Null(AnomalyGuard.Check(Samples((0, 0, 50, 5), (1, 0, 1050, 5)), null, Options));
    }

    /// <summary>Baseline at hour 0, window sample at hour 1: (deliveries, unsubscribes, complaints) cumulative.</summary>
    private static (string Reason, string Detail)? OptOuts((long Deliveries, long Unsubscribes, long Complaints) baseline, (long Deliveries, long Unsubscribes, long Complaints) now)
    {
        var samples = new List<CampaignSample>();
        AnomalyGuard.Record(samples, new CampaignSample(T0, 0, baseline.Deliveries, 0, baseline.Unsubscribes, baseline.Complaints), Options.Window);
        AnomalyGuard.Record(samples, new CampaignSample(T0.AddHours(1), 0, now.Deliveries, 0, now.Unsubscribes, now.Complaints), Options.Window);
        return AnomalyGuard.Check(samples, null, Options);
    }

    [Fact]
    public void A_complaint_or_unsubscribe_rate_far_above_the_campaign_baseline_is_an_anomaly()
    {
        // Baseline 0.2 % complaints and 1 % unsubscribes over 1000 deliveries; factor 3, floors 0.1 % and 0.5 %.
        Assert.Equal(AnomalyGuard.ComplaintSpike, OptOuts((1000, 10, 2), (1200, 10, 4))?.Reason);
        Assert.Null(OptOuts((1000, 10, 2), (1200, 10, 3)));
        Assert.Equal(AnomalyGuard.UnsubscribeSpike, OptOuts((1000, 10, 2), (1200, 17, 2))?.Reason);
        Assert.Null(OptOuts((1000, 10, 2), (1200, 15, 2)));
    }

    [Fact]
    public void A_campaign_without_enough_baseline_is_held_to_the_opt_out_floors_once_the_window_has_enough_deliveries()
    {
        Assert.Equal(AnomalyGuard.UnsubscribeSpike, OptOuts((0, 0, 0), (100, 1, 0))?.Reason);
        Assert.Null(OptOuts((0, 0, 0), (200, 1, 0)));
        Assert.Equal(AnomalyGuard.ComplaintSpike, OptOuts((0, 0, 0), (200, 0, 1))?.Reason);
        Assert.Null(OptOuts((0, 0, 0), (99, 5, 5)));
    }

    [Fact]
    public void Samples_stay_bounded_to_the_window()
    {
        var samples = new List<CampaignSample>();
        for (var minute = 0; minute < 600; minute++)
            AnomalyGuard.Record(samples, new CampaignSample(T0.AddMinutes(minute), minute, 0, 0), Options.Window);
        Assert.True(samples.Count <= 62);
        Assert.True(samples[0].At <= samples[^1].At - Options.Window);
    }

    [Fact]
    public void A_webhook_signature_verifies_only_for_the_same_secret_timestamp_and_body()
    {
        var signature = WebhookSignature.Sign("0123456789abcdef", "1700000000", """{"campaignId":"x"}""");
        Assert.StartsWith("sha256=", signature);
        Assert.True(WebhookSignature.Verify("0123456789abcdef", "1700000000", """{"campaignId":"x"}""", signature));
        Assert.False(WebhookSignature.Verify("0123456789abcdeF", "1700000000", """{"campaignId":"x"}""", signature));
        Assert.False(WebhookSignature.Verify("0123456789abcdef", "1700000001", """{"campaignId":"x"}""", signature));
        Assert.False(WebhookSignature.Verify("0123456789abcdef", "1700000000", """{"campaignId":"y"}""", signature));
    }

    [Fact]
    public void A_webhook_URL_without_a_strong_secret_is_rejected_at_start_up()
    {
        var weak = new AnomalyOptions { WebhookUrl = new Uri("https://hooks.example.com/pause"), WebhookSecret = "short" };
        Assert.NotEmpty(weak.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(weak)));
    }
}
