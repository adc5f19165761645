using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Content;

namespace MarketingActors.Tests.Grains.Core.Content;

/// <summary>Liquid content: refused at write time when it cannot render, rendered per customer with defaults and the right encoding.</summary>
public class ActionTemplatesSpec
{
    private static ContentModel Model(Dictionary<string, string>? traits = null, string? unsubscribe = null) => new(
        "cust-1", traits ?? new() { ["first_name"] = "Ana" }, new Dictionary<string, double> { ["velocity"] = 2.5 },
        "dec-1", "spring", "Spring sale", "email-fr", "10% off", "email", "fr", unsubscribe);

    private static ActionOption Email(ActionContent content, string? locale = null) =>
        new() { Id = "email-1", Channel = "email", Variant = "10% off", Locale = locale, Content = content };

    [Fact]
    public void A_template_that_does_not_compile_is_refused_naming_the_part()
    {
        var errors = ActionTemplates.Validate(Email(new ActionContent { Subject = "Hi {{ customer.traits.first_name", Text = "ok" }), "actions[0]");

        Assert.Contains(errors, e => e.StartsWith("actions[0].content.subject: does not compile", StringComparison.Ordinal));
    }

    [Fact]
    public void A_locale_variant_missing_a_required_part_is_refused_with_its_locale()
    {
        var errors = ActionTemplates.Validate(Email(new ActionContent { Subject = "Bonjour" }, locale: "fr"), "actions[1]");

        Assert.Equal(["actions[1].content: a email message needs text or html (locale fr)"], errors);
    }

    [Fact]
    public void The_campaign_validator_refuses_content_that_does_not_compile()
    {
        var campaign = Support.SampleCampaigns.SpringSale("tpl") with
        {
            Actions = [new ActionOption { Id = "email-10off", Channel = "email", Variant = "10% off", Content = new ActionContent { Subject = "{% if %}", Text = "x" } }],
            Journey = new JourneyDefinition { EntryTrigger = "product_view", Steps = [new JourneyStep { Id = "s", Kind = StepKind.Action }] },
        };

        Assert.Contains(CampaignValidator.Validate(campaign), e => e.StartsWith("actions[0].content.subject: does not compile", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_trait_renders_its_default_and_html_parts_are_escaped()
    {
        var content = ActionTemplates.Compile(new ActionContent
        {
            Subject = "Salut {{ customer.traits.first_name | default: \"toi\" }}",
            Html = "<p>{{ customer.traits.nickname }}</p><a href=\"{{ unsubscribe_url }}\">stop</a>",
        });

        var rendered = ActionTemplates.Render(content, Model(new() { ["nickname"] = "<b>Jo</b>" }, "https://engine.test/u/1"));

        Assert.Equal("Salut toi", rendered.Subject);
        Assert.Equal("<p>&lt;b&gt;Jo&lt;/b&gt;</p><a href=\"https://engine.test/u/1\">stop</a>", rendered.Html);
    }

    [Fact]
    public void Every_string_of_a_webhook_payload_is_a_template_and_the_rest_of_the_json_is_kept()
    {
        var content = ActionTemplates.Compile(new ActionContent { Payload = """{"to":"{{ customer.id }}","n":3,"tags":["{{ decision.variant }}",true],"score":"{{ customer.features.velocity }}"}""" });

        var payload = JsonDocument.Parse(ActionTemplates.Render(content, Model()).Payload!).RootElement;

        Assert.Equal("cust-1", payload.GetProperty("to").GetString());
        Assert.Equal(3, payload.GetProperty("n").GetInt32());
        Assert.Equal("10% off", payload.GetProperty("tags")[0].GetString());
        Assert.True(payload.GetProperty("tags")[1].GetBoolean());
        Assert.Equal("2.5", payload.GetProperty("score").GetString());
    }

    [Fact]
    public void A_template_that_runs_past_its_step_budget_fails_instead_of_running_on()
    {
        var content = ActionTemplates.Compile(new ActionContent { Text = "{% for i in (1..1000000) %}x{% endfor %}", Subject = "s" });

        Assert.ThrowsAny<InvalidOperationException>(() => ActionTemplates.Render(content, Model()));
    }
}
