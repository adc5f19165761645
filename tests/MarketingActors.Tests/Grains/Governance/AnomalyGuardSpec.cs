using MarketingActors.Governance;

namespace MarketingActors.Tests.Grains.Governance;

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
