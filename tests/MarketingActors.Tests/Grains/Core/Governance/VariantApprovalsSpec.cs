using MarketingActors.Campaigns;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class VariantApprovalsSpec
{
    private static readonly VariantApproval Approved = new() { ApprovalId = "apr-1", ApprovedBy = "lead", ApprovedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void A_write_cannot_approve_a_variant_and_sensitive_or_agent_variants_open_an_approval()
    {
        var proposed = SampleCampaigns.SpringSale("s") with
        {
            Actions =
            [
                new ActionOption { Id = "price", Channel = "email", Variant = "49 €", Sensitivity = Sensitivity.Pricing, Approval = Approved },
                new ActionOption { Id = "plain", Channel = "email", Variant = "hello" },
            ],
        };
        var (byOwner, ownerPending) = VariantApprovals.Reconcile(null, proposed, byAgent: false);
        Assert.Null(byOwner.Actions[0].Approval);
        Assert.Equal(["price"], ownerPending);

        var (byAgent, agentPending) = VariantApprovals.Reconcile(null, proposed, byAgent: true);
        Assert.All(byAgent.Actions, a => Assert.True(a.AgentCreated));
        Assert.Equal(["price", "plain"], agentPending);
    }

    [Fact]
    public void An_approved_variant_keeps_its_approval_until_its_content_or_locale_changes()
    {
        var approved = SampleCampaigns.SpringSale("s") with
        {
            Actions = [new ActionOption { Id = "claim", Channel = "email", Variant = "clinically proven", Sensitivity = Sensitivity.RegulatedClaim, Approval = Approved }],
        };
        var resubmitted = approved with { Actions = [approved.Actions[0] with { Approval = null }] };
        var (kept, none) = VariantApprovals.Reconcile(approved, resubmitted, byAgent: false);
        Assert.Equal(Approved, kept.Actions[0].Approval);
        Assert.Empty(none);

        var localized = approved with { Actions = [approved.Actions[0] with { Locale = "fr-CA", Variant = "cliniquement prouvé" }] };
        var (cleared, pending) = VariantApprovals.Reconcile(approved, localized, byAgent: false);
        Assert.Null(cleared.Actions[0].Approval);
        Assert.Equal(["claim"], pending);
    }

    [Fact]
    public void Approving_sets_the_approval_on_that_variant_only()
    {
        var campaign = SampleCampaigns.SpringSale("s");
        var approved = VariantApprovals.Approve(campaign, "ads-retarget", Approved)!;
        Assert.Equal(Approved, approved.Actions.Single(a => a.Id == "ads-retarget").Approval);
        Assert.All(approved.Actions.Where(a => a.Id != "ads-retarget"), a => Assert.Null(a.Approval));
        Assert.Null(VariantApprovals.Approve(campaign, "missing", Approved));
    }

    [Fact]
    public void Nobody_approves_their_own_request_and_reviewers_stay_in_scope()
    {
        var owner = new Principal { Id = "ana", Role = Roles.CampaignOwner, Campaigns = ["s"] };
        var request = new ApprovalRequest
        {
            Id = "apr-1", RequestedBy = owner, Operation = Operations.Review, Reason = "sensitive_variant",
            Change = new CampaignChange { Kind = ChangeKinds.ApproveVariant, CampaignId = "s", ActionId = "price" },
        };
        Assert.Equal("self_approval", ReviewRules.Check(owner, request)!.Value.Reason);
        Assert.Equal("campaign_out_of_scope", ReviewRules.Check(owner with { Id = "bo", Campaigns = ["other"] }, request)!.Value.Reason);
        Assert.Equal("forbidden_operation", ReviewRules.Check(new Principal { Id = "bot", Role = Roles.Agent }, request)!.Value.Reason);
        Assert.Equal("forbidden_operation", ReviewRules.Check(new Principal { Id = "r", Role = Roles.Reader }, request)!.Value.Reason);
        Assert.Null(ReviewRules.Check(owner with { Id = "lead" }, request));
        Assert.Equal("approval_not_pending", ReviewRules.Check(owner with { Id = "lead" }, request with { Status = ApprovalStatus.Rejected })!.Value.Reason);
    }
}
