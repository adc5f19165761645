using System.Text.Json;
using MarketingActors.Core.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class AuditDraftsSpec
{
    private static readonly MarketingActors.Decisions.Decision Decision = SampleDecisions.Complete("spring <b>&'\"é☕", 0.123456, 0.05m) with { CustomerId = "erin@example.com" };

    [Fact]
    public void A_decision_is_audited_as_its_record_under_the_customers_reference_never_its_id()
    {
        var entry = AuditDrafts.Decision(Decision, "ref-7f3a", DecisionPayloadFormat.Record);

        Assert.True(entry.Payload.IsDecisionRecord);
        Assert.Equal(("ref-7f3a", Decision.DecisionId, Decision.Action!.ActionId), (entry.CustomerRef, entry.SubjectId, entry.Operation));
        Assert.Equal("ref-7f3a", entry.Payload.ToDecision().CustomerId);
        Assert.DoesNotContain("erin@example.com", entry.Payload.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void During_a_rolling_upgrade_a_decision_is_audited_as_the_json_older_versions_write_and_hash()
    {
        var entry = AuditDrafts.Decision(Decision, "ref-7f3a", DecisionPayloadFormat.Json);

        Assert.False(entry.Payload.IsDecisionRecord);
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(Decision with { CustomerId = "ref-7f3a" }, AuditJson.Options), entry.Payload.Stored.ToArray());
        Assert.Equal(entry.Payload.ToString().Length, entry.Payload.HashedLength);
    }

    [Fact]
    public void Both_forms_read_as_the_same_decision_json()
    {
        var record = AuditDrafts.Decision(Decision, "ref-7f3a", DecisionPayloadFormat.Record).Payload;
        var json = AuditDrafts.Decision(Decision, "ref-7f3a", DecisionPayloadFormat.Json).Payload;

        Assert.Equal(json.ToString(), record.ToString());
    }
}
