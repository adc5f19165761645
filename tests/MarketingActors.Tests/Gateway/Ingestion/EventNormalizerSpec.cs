using MarketingActors.Events;
using MarketingActors.Gateway.Ingestion;

namespace MarketingActors.Tests.Gateway.Ingestion;

public class EventNormalizerSpec
{
    private static readonly EventNormalizer Default = new(new TrackingPlanOptions());

    [Theory]
    [InlineData("Email Opened")]
    [InlineData("email-open")]
    [InlineData("emailOpened")]
    [InlineData("EmailOpened")]
    [InlineData("email_opened")]
    [InlineData("  email.opened  ")]
    [InlineData("Email Open")]
    public void Any_spelling_of_an_email_open_becomes_email_opened(string raw)
    {
        Assert.Equal("email_opened", Default.Canonical(raw));
    }

    [Theory]
    [InlineData("Order Completed", "purchase")]
    [InlineData("Product Added", "add_to_cart")]
    [InlineData("pageview", "page_view")]
    [InlineData("Page Viewed", "page_view")]
    [InlineData("Signed Up", "signup")]
    [InlineData("Unsubscribed", "unsubscribe")]
    [InlineData("checkout_started", "checkout_started")]
    [InlineData("adImpression", "ad_impression")]
    public void Built_in_aliases_map_common_names_onto_the_catalog(string raw, string canonical)
    {
        Assert.Equal(canonical, Default.Canonical(raw));
    }

    [Fact]
    public void Every_built_in_alias_points_at_a_canonical_type()
    {
        Assert.All(EventNormalizer.BuiltInAliases.Values, target => Assert.True(EventCatalog.IsKnown(target), target));
        Assert.All(EventCatalog.CanonicalTypes, type => Assert.Equal(type, Default.Canonical(type)));
    }

    [Theory]
    [InlineData("teleported")]
    [InlineData("")]
    [InlineData("---")]
    public void Names_outside_the_tracking_plan_have_no_canonical_type(string raw)
    {
        Assert.Null(Default.Canonical(raw));
    }

    [Fact]
    public void Custom_aliases_from_the_options_are_added_in_any_spelling_and_override_built_ins()
    {
        var normalizer = new EventNormalizer(new TrackingPlanOptions
        {
            Aliases = new() { ["Viewed Landing Page"] = "page_view", ["email-open"] = "email_clicked" },
        });

        Assert.Equal("page_view", normalizer.Canonical("viewed_landing_page"));
        Assert.Equal("page_view", normalizer.Canonical("viewedLandingPage"));
        Assert.Equal("email_clicked", normalizer.Canonical("Email Open"));
        Assert.Null(Default.Canonical("Viewed Landing Page"));
    }

    [Theory]
    [InlineData("Email Opened", "email_opened")]
    [InlineData("emailOpened", "email_opened")]
    [InlineData("email-open", "email_open")]
    [InlineData("  A--B  ", "a_b")]
    [InlineData("step2Done", "step2_done")]
    [InlineData("already_snake", "already_snake")]
    [InlineData("page_view2", "page_view2")]
    [InlineData("a__b", "a_b")]
    [InlineData("_lead", "lead")]
    [InlineData("trail_", "trail")]
    [InlineData("café", "café")]
    public void Snake_case_lowercases_and_separates_words(string raw, string expected)
    {
        Assert.Equal(expected, EventNormalizer.SnakeCase(raw));
        Assert.Equal(expected, EventNormalizer.SnakeCase(expected));
    }

    [Theory]
    [InlineData("utm_source", "  Newsletter ", "newsletter")]
    [InlineData("UTM_Campaign", "Spring_SALE", "spring_sale")]
    [InlineData("utm_medium", "EMAIL", "email")]
    [InlineData("plan", "  Pro ", "  Pro ")]
    [InlineData("source", "Newsletter", "Newsletter")]
    public void Utm_values_are_trimmed_and_lower_cased_other_properties_are_kept(string key, string value, string expected)
    {
        Assert.Equal(expected, EventNormalizer.NormalizeProperty(key, value));
    }

    [Fact]
    public void Options_with_an_alias_to_an_unknown_type_are_invalid()
    {
        var options = new TrackingPlanOptions { Aliases = new() { ["Beamed"] = "teleported" } };
        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Single(problems);
        Assert.Contains("teleported", problems[0].ErrorMessage);
    }

    [Fact]
    public void Options_that_could_never_admit_a_full_batch_are_invalid()
    {
        var options = new TrackingPlanOptions { MaxBatchEvents = 500, MaxEventsInFlight = 499 };
        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Contains(problems, p => p.MemberNames.Contains(nameof(TrackingPlanOptions.MaxEventsInFlight)));
        var defaults = new TrackingPlanOptions();
        Assert.Empty(defaults.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(defaults)));
    }
}
