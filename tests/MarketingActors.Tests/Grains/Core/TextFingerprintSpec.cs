using MarketingActors.Core;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Tests.Grains.Core;

public sealed class TextFingerprintSpec
{
    [Fact]
    public void A_prefix_and_a_text_print_as_their_concatenation_does()
    {
        Assert.Equal(TextFingerprint.Of("u:ref-42"), TextFingerprint.Of("u:", "ref-42"));
        Assert.NotEqual(TextFingerprint.Of("u:ref-42"), TextFingerprint.Of("c:", "ref-42"));
    }

    [Fact]
    public void A_segment_keeps_the_prints_of_exactly_its_keys_sorted_and_a_query_prints_the_same()
    {
        var segment = new AuditSegment([.. Enumerable.Range(0, 6).Select(i => new AuditSegment.Sealed(
            new AuditEntry { Kind = AuditKinds.Decision, CampaignId = "c" + i % 2, CustomerRef = "ref-" + i, SubjectId = "d-" + i }, "hmac-sha256"))]);

        var prints = segment.KeyPrints();

        Assert.Equal(segment.Keys().Select(k => TextFingerprint.Of(k)).Order(), prints);
        Assert.Equal(2 + 6 + 6 + 1, prints.Length);
        Assert.All(AuditSegment.KeyPrintsOf(new AuditQuery { CampaignId = "c1", CustomerRef = "ref-3", Kind = AuditKinds.Decision }),
            p => Assert.Contains(p, prints));
        Assert.DoesNotContain(AuditSegment.KeyPrintsOf(new AuditQuery { CustomerRef = "ref-9" }).Single(), prints);
    }
}
