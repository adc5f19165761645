using MarketingActors.Campaigns;

namespace MarketingActors.Tests.Support;

/// <summary>Campaign definitions the specifications share.</summary>
public static class SampleCampaigns
{
    /// <summary>
    /// Enters on product_view; the engine chooses between an email and a retargeting ad, waits a
    /// day (or until add_to_cart), nudges again; a velocity drop re-routes to a push win-back.
    /// </summary>
    public static CampaignDefinition SpringSale(string id, decimal total = 100m, decimal? daily = null, int waitDays = 1) => new()
    {
        Id = id,
        Name = "Spring sale",
        ConversionValue = 80m,
        Actions =
        [
            new ActionOption { Id = "email-10off", Channel = "email", Variant = "10% off", Cost = 0.01m },
            new ActionOption { Id = "ads-retarget", Channel = "ads", Variant = "retargeting banner", Cost = 0.05m },
            new ActionOption { Id = "push-winback", Channel = "push", Variant = "we miss you", Cost = 0.02m },
        ],
        Journey = new JourneyDefinition
        {
            EntryTrigger = "product_view",
            Steps =
            [
                new JourneyStep { Id = "first-touch", Kind = StepKind.Action, ActionIds = ["email-10off", "ads-retarget"] },
                new JourneyStep { Id = "wait", Kind = StepKind.Wait, Duration = TimeSpan.FromDays(waitDays), UntilEvent = "add_to_cart" },
                new JourneyStep { Id = "nudge", Kind = StepKind.Action, ActionIds = ["email-10off", "ads-retarget"] },
                new JourneyStep { Id = "done", Kind = StepKind.Exit },
                new JourneyStep { Id = "reengage", Kind = StepKind.Action, ActionIds = ["push-winback"] },
            ],
            Reroutes = new() { ["velocity_drop"] = "reengage" },
        },
        Budget = new BudgetEnvelope { Total = total, Daily = daily, Currency = "USD" },
    };

    /// <summary>One paid action per entry, re-entered on every page view: every event asks for budget.</summary>
    public static CampaignDefinition PaidPerView(string id, decimal total, decimal cost, decimal? daily = null) => new()
    {
        Id = id,
        Name = "Paid per view",
        Actions = [new ActionOption { Id = "ad", Channel = "ads", Variant = "banner", Cost = cost }],
        Journey = new JourneyDefinition
        {
            EntryTrigger = "page_view",
            AllowReentry = true,
            Steps = [new JourneyStep { Id = "show", Kind = StepKind.Action }],
        },
        Budget = new BudgetEnvelope { Total = total, Daily = daily, Currency = "USD" },
    };

    /// <summary>Enters on the cold-lead trigger and sends a win-back push.</summary>
    public static CampaignDefinition WinBack(string id) => new()
    {
        Id = id,
        Name = "Win back cold leads",
        Actions = [new ActionOption { Id = "push-winback", Channel = "push", Variant = "we miss you", Cost = 0m }],
        Journey = new JourneyDefinition
        {
            EntryTrigger = "cold_lead",
            Steps = [new JourneyStep { Id = "winback", Kind = StepKind.Action }],
        },
        Budget = new BudgetEnvelope { Total = 10m, Currency = "USD" },
    };
}
