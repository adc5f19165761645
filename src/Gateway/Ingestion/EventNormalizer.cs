using System.Text;
using MarketingActors.Events;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>
/// The tracking plan's naming rules: any spelling ("Email Opened", "emailOpened", "email-open")
/// becomes snake_case, then the alias table maps it onto a canonical type.
/// </summary>
public sealed class EventNormalizer
{
    public static readonly IReadOnlyDictionary<string, string> BuiltInAliases = new Dictionary<string, string>
    {
        ["email_open"] = "email_opened",
        ["email_click"] = "email_clicked",
        ["email_ignored"] = "email_skipped",
        ["email_deleted"] = "email_skipped",
        ["email_delivered"] = "email_sent",
        ["page_viewed"] = "page_view",
        ["pageview"] = "page_view",
        ["product_viewed"] = "product_view",
        ["added_to_cart"] = "add_to_cart",
        ["product_added"] = "add_to_cart",
        ["checkout_start"] = "checkout_started",
        ["order_completed"] = "purchase",
        ["purchased"] = "purchase",
        ["signed_up"] = "signup",
        ["ad_click"] = "ad_clicked",
        ["ad_view"] = "ad_impression",
        ["push_open"] = "push_opened",
        ["unsubscribed"] = "unsubscribe",
        ["app_opened"] = "app_open",
        // The Segment e-commerce and mobile specs' standard names ("Product Viewed" and the rest snake-case onto the above).
        ["products_searched"] = "search",
        ["product_clicked"] = "product_view",
        ["product_list_viewed"] = "page_view",
        ["cart_viewed"] = "page_view",
        ["checkout_step_viewed"] = "checkout_started",
        ["checkout_step_completed"] = "checkout_started",
        ["payment_info_entered"] = "checkout_started",
        ["application_opened"] = "app_open",
        ["push_notification_tapped"] = "push_opened",
        ["email_link_clicked"] = "email_clicked",
        ["screen_viewed"] = "screen_view",
    };

    private readonly Dictionary<string, string> _aliases;

    public EventNormalizer(TrackingPlanOptions options)
    {
        _aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alias, target) in BuiltInAliases) _aliases[SnakeCase(alias)] = target;
        foreach (var (alias, target) in options.Aliases) _aliases[SnakeCase(alias)] = target;
    }

    /// <summary>The canonical type, or null when the name is not in the tracking plan.</summary>
    public string? Canonical(string rawType)
    {
        var snake = SnakeCase(rawType);
        if (_aliases.TryGetValue(snake, out var aliased)) return aliased;
        return EventCatalog.IsKnown(snake) ? snake : null;
    }

    public static string SnakeCase(string raw)
    {
        // Most event types arrive canonical already (page_view): they are their own snake case.
        if (IsSnakeCase(raw)) return raw;
        var sb = new StringBuilder(raw.Length + 4);
        var previousWasLowerOrDigit = false;
        foreach (var ch in raw.Trim())
        {
            if (char.IsLetterOrDigit(ch))
            {
                if (char.IsUpper(ch) && previousWasLowerOrDigit) sb.Append('_');
                sb.Append(char.ToLowerInvariant(ch));
                previousWasLowerOrDigit = char.IsLower(ch) || char.IsDigit(ch);
            }
            else
            {
                if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
                previousWasLowerOrDigit = false;
            }
        }
        return sb.ToString().Trim('_');
    }

    private static bool IsSnakeCase(string text)
    {
        if (text.Length == 0 || text[0] == '_' || text[^1] == '_') return false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch is (>= 'a' and <= 'z') or (>= '0' and <= '9')) continue;
            if (ch != '_' || text[i - 1] == '_') return false;
        }
        return true;
    }

    /// <summary>UTM parameters are trimmed and lower-cased so "Newsletter " and "newsletter" are one campaign source.</summary>
    public static string NormalizeProperty(string key, string value) =>
        key.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) ? value.Trim().ToLowerInvariant() : value;
}
