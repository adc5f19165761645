using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace MarketingActors.Tests.Grains.Core.Delivery;

/// <summary>Connectors as stored, the links and signatures the engine sends, and where deferred quiet hours end.</summary>
public class DeliveryRulesSpec
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());

    [Fact]
    public void A_webhook_needs_an_http_url_and_a_well_formed_secret_and_takes_no_smtp_settings()
    {
        var errors = ConnectorRules.Validate("push", new ConnectorSettings { Type = "webhook", Url = "ftp://x", Secret = "whsec_short", Host = "smtp.example.com" }, null);

        Assert.Contains(errors, e => e.StartsWith("url:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("secret:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("host, username", StringComparison.Ordinal));
        Assert.Empty(ConnectorRules.Validate("push", new ConnectorSettings { Type = "webhook", Url = "https://hooks.example.com/ma", Secret = Secret }, null));
    }

    [Fact]
    public void Smtp_serves_email_only_and_on_site_channels_take_no_connector()
    {
        Assert.Contains("type: smtp delivers the email channel only",
            ConnectorRules.Validate("sms", new ConnectorSettings { Type = "smtp", Host = "mail.example.com", From = "Shop <news@example.com>" }, null));
        Assert.Contains(ConnectorRules.Validate("web", new ConnectorSettings { Type = "webhook", Url = "https://x.example", Secret = Secret }, null),
            e => e.StartsWith("channel:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_write_without_its_secret_keeps_the_stored_one_and_a_new_username_drops_the_old_password()
    {
        var stored = new ConnectorSettings { Type = "smtp", Host = "mail.example.com", From = "a@example.com", Username = "u1", Password = "p1" };

        Assert.Empty(ConnectorRules.Validate("email", stored with { Password = null }, stored));
        Assert.Equal("p1", ConnectorRules.Merge(stored with { Password = null, Port = 2525 }, stored).Password);
        Assert.Null(ConnectorRules.Merge(stored with { Password = null, Username = "u2" }, stored).Password);
        var webhook = new ConnectorSettings { Type = "webhook", Url = "https://a.example", Secret = Secret };
        Assert.Equal(Secret, ConnectorRules.Merge(webhook with { Secret = null, Url = "https://b.example" }, webhook).Secret);
    }

    [Fact]
    public void The_view_of_a_connector_says_its_secrets_are_set_without_showing_them()
    {
        var view = ConnectorView.Of("email", new ConnectorSettings { Type = "smtp", Host = "h", Username = "u", Password = "hunter2" }, 3, DateTimeOffset.UnixEpoch, "admin");

        Assert.True(view.PasswordSet);
        Assert.DoesNotContain("hunter2", System.Text.Json.JsonSerializer.Serialize(view));
    }

    [Fact]
    public void The_webhook_signature_verifies_with_the_standard_webhooks_library()
    {
        var body = """{"type":"delivery.requested","data":{"decisionId":"dec-9"}}""";
        var timestamp = DateTimeOffset.UtcNow;
        var headers = new HeaderDictionary
        {
            [StandardWebhookSignature.IdHeader] = "dec-9",
            [StandardWebhookSignature.TimestampHeader] = timestamp.ToUnixTimeSeconds().ToString(),
            [StandardWebhookSignature.SignatureHeader] = StandardWebhookSignature.Sign(ConnectorRules.SecretBytes(Secret)!, "dec-9", timestamp.ToUnixTimeSeconds(), System.Text.Encoding.UTF8.GetBytes(body)),
        };

        new StandardWebhook(Secret).Verify(body, headers);
        headers[StandardWebhookSignature.IdHeader] = "dec-10";
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(Secret).Verify(body, headers));
    }

    [Fact]
    public void An_unsubscribe_link_reads_back_only_with_the_key_that_signed_it_and_cannot_be_moved_to_another_customer()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var token = UnsubscribeLinks.Token(key, new("cust-1", "email", "dec-1"));

        Assert.Equal(new UnsubscribeRequest("cust-1", "email", "dec-1"), UnsubscribeLinks.Read(key, token));
        Assert.Null(UnsubscribeLinks.Read([.. key.Reverse()], token));
        var forged = UnsubscribeLinks.Token([.. key.Reverse()], new("cust-2", "email", "dec-1")).Split('.')[0] + "." + token.Split('.')[1];
        Assert.Null(UnsubscribeLinks.Read(key, forged));
        Assert.Null(UnsubscribeLinks.Read(key, "not-a-token"));
    }

    [Fact]
    public void Deferring_quiet_hours_end_at_the_next_local_morning_and_skipping_ones_defer_nothing()
    {
        var defer = new QuietHours { Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0), Mode = QuietHoursMode.Defer };
        // 23:00 in Paris (UTC+2 in June) is 21:00 UTC; the next 08:00 there is 06:00 UTC the day after.
        var at = new DateTimeOffset(2025, 6, 2, 21, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2025, 6, 3, 6, 0, 0, TimeSpan.Zero), Eligibility.QuietHoursEnd(defer, "email", "Europe/Paris", at));
        Assert.Null(Eligibility.QuietHoursEnd(defer, "email", "Europe/Paris", at.AddHours(-10)));
        Assert.Null(Eligibility.QuietHoursEnd(defer with { Mode = QuietHoursMode.Skip }, "email", "Europe/Paris", at));
    }
}
