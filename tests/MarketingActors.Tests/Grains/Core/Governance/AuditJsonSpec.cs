using System.Text.Json;
using CsCheck;
using MarketingActors.Core.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class AuditJsonSpec
{
    [Fact]
    public void A_decision_payload_is_the_same_bytes_as_the_general_audit_serializer_writes()
    {
        foreach (var decision in new[] { SampleDecisions.With("banner <b>&'\"é☕", 0.123456, 0.05m, heldOut: false), SampleDecisions.With("x", 0, 0, heldOut: true) })
        {
            var payload = AuditJson.Of(decision);
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(decision, AuditJson.Options), payload.Utf8.ToArray());
            Assert.Contains("\"outcome\":\"rankedLower\"", payload.ToString());
        }
    }

    [Fact]
    public void Any_decision_payload_is_the_same_bytes_as_the_general_audit_serializer_writes() =>
        Gen.Select(Gen.String, Gen.Double[-1e9, 1e9], Gen.Decimal, Gen.Bool).Sample((text, score, cost, heldOut) =>
        {
            var decision = SampleDecisions.With(text, score, cost, heldOut);
            return AuditJson.Of(decision).Utf8.SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(decision, AuditJson.Options));
        });
}
