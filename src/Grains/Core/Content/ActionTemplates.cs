using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;
using MarketingActors.Campaigns;
using MarketingActors.Delivery;

namespace MarketingActors.Core.Content;

/// <summary>One action's content, compiled: a Liquid template per part, and the webhook payload as a JSON tree whose strings are templates.</summary>
public sealed class CompiledContent
{
    public IFluidTemplate? Subject { get; init; }
    public IFluidTemplate? Text { get; init; }
    public IFluidTemplate? Html { get; init; }
    public IFluidTemplate? Title { get; init; }
    public IFluidTemplate? Body { get; init; }
    public IFluidTemplate? DeepLink { get; init; }
    public JsonNode? Payload { get; init; }
    /// <summary>The payload's string leaves, compiled, by their path in the tree.</summary>
    public Dictionary<string, IFluidTemplate> PayloadTemplates { get; init; } = [];
}

/// <summary>What a template sees: the customer (id, traits, features, locale), the decision and its campaign, and the unsubscribe link.</summary>
public sealed record ContentModel(
    string CustomerId,
    IReadOnlyDictionary<string, string> Traits,
    IReadOnlyDictionary<string, double> Features,
    string DecisionId,
    string CampaignId,
    string CampaignName,
    string ActionId,
    string Variant,
    string Channel,
    string? Locale,
    string? UnsubscribeUrl);

/// <summary>
/// Liquid content (Fluid): compiled when the campaign is written, so a template that does not
/// compile is refused there with the part that fails; rendered per decision within a step and
/// recursion budget, so no template a key holder writes can loop or run long. A missing value
/// renders empty; Liquid's <c>default</c> filter gives it a fallback
/// (<c>{{ customer.traits.first_name | default: "there" }}</c>). HTML parts are HTML-encoded as
/// they are filled in, text parts are not.
/// </summary>
public static class ActionTemplates
{
    public const int MaxPartLength = 64 * 1024;
    public const int MaxRenderSteps = 20_000;
    public const int MaxPayloadDepth = 16;

    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new() { MaxSteps = MaxRenderSteps, MaxRecursion = 16 };

    /// <summary>Every problem with an action's content for its channel: parts that do not compile, or required parts missing.</summary>
    public static List<string> Validate(ActionOption action, string at)
    {
        var errors = new List<string>();
        var c = action.Content;
        if (c is null) return errors;
        var p = $"{at}.content";
        foreach (var (name, source) in Parts(c))
        {
            if (source is null) continue;
            if (source.Length > MaxPartLength) errors.Add($"{p}.{name}: at most {MaxPartLength} characters");
            else if (!Parser.TryParse(source, out _, out var error)) errors.Add($"{p}.{name}: does not compile: {error}");
        }
        if (c.Payload is not null) ValidatePayload(c.Payload, p + ".payload", errors);
        var missing = RequiredParts(action.Channel).Where(r => r.All(part => string.IsNullOrWhiteSpace(PartOf(c, part)))).Select(r => string.Join(" or ", r)).ToList();
        var where = string.IsNullOrEmpty(action.Locale) ? "" : $" (locale {action.Locale})";
        foreach (var m in missing) errors.Add($"{p}: a {action.Channel} message needs {m}{where}");
        return errors;
    }

    /// <summary>Parts a channel's message cannot go without: each inner list is "one of these".</summary>
    public static string[][] RequiredParts(string channel) => channel switch
    {
        "email" => [["subject"], ["text", "html"]],
        "push" => [["title"], ["body"]],
        "sms" => [["text"]],
        _ => [],
    };

    public static CompiledContent Compile(ActionContent c)
    {
        var payload = c.Payload is null ? null : JsonNode.Parse(c.Payload);
        var templates = new Dictionary<string, IFluidTemplate>(StringComparer.Ordinal);
        if (payload is not null) CollectTemplates(payload, "$", templates);
        return new CompiledContent
        {
            Subject = ParseOrNull(c.Subject), Text = ParseOrNull(c.Text), Html = ParseOrNull(c.Html),
            Title = ParseOrNull(c.Title), Body = ParseOrNull(c.Body), DeepLink = ParseOrNull(c.DeepLink),
            Payload = payload, PayloadTemplates = templates,
        };
    }

    /// <summary>Renders every part for one customer and decision; a template that exceeds the step budget throws <see cref="InvalidOperationException"/>.</summary>
    public static RenderedMessage Render(CompiledContent content, ContentModel model)
    {
        var context = ContextOf(model);
        return new RenderedMessage
        {
            Subject = Fill(content.Subject, context, NullEncoder.Default),
            Text = Fill(content.Text, context, NullEncoder.Default),
            Html = Fill(content.Html, context, HtmlEncoder.Default),
            Title = Fill(content.Title, context, NullEncoder.Default),
            Body = Fill(content.Body, context, NullEncoder.Default),
            DeepLink = Fill(content.DeepLink, context, UrlEncoder.Default),
            Payload = content.Payload is null ? null : RenderPayload(content, context),
        };
    }

    private static TemplateContext ContextOf(ContentModel m)
    {
        var context = new TemplateContext(Options);
        context.SetValue("customer", FluidValue.Create(new Dictionary<string, object?>
        {
            ["id"] = m.CustomerId,
            ["traits"] = m.Traits.ToDictionary(t => t.Key, t => (object?)t.Value),
            ["features"] = m.Features.ToDictionary(f => f.Key, f => (object?)f.Value),
            ["locale"] = m.Locale,
        }, Options));
        context.SetValue("decision", FluidValue.Create(new Dictionary<string, object?>
        {
            ["id"] = m.DecisionId, ["campaign"] = m.CampaignId, ["action"] = m.ActionId, ["variant"] = m.Variant, ["channel"] = m.Channel,
        }, Options));
        context.SetValue("campaign", FluidValue.Create(new Dictionary<string, object?> { ["id"] = m.CampaignId, ["name"] = m.CampaignName }, Options));
        context.SetValue("unsubscribe_url", new StringValue(m.UnsubscribeUrl ?? ""));
        return context;
    }

    private static string? Fill(IFluidTemplate? template, TemplateContext context, TextEncoder encoder) =>
        template?.Render(context, encoder);

    private static string RenderPayload(CompiledContent content, TemplateContext context)
    {
        var copy = content.Payload!.DeepClone();
        Replace(copy, "$", content.PayloadTemplates, context);
        return copy.ToJsonString();
    }

    private static void Replace(JsonNode node, string path, Dictionary<string, IFluidTemplate> templates, TemplateContext context)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var child = o[key];
                    var at = path + "." + key;
                    if (child is JsonValue v && v.GetValueKind() == JsonValueKind.String) o[key] = templates[at].Render(context, NullEncoder.Default);
                    else if (child is not null) Replace(child, at, templates, context);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var at = $"{path}[{i}]";
                    if (a[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String) a[i] = templates[at].Render(context, NullEncoder.Default);
                    else if (a[i] is { } child) Replace(child, at, templates, context);
                }
                break;
        }
    }

    private static void CollectTemplates(JsonNode node, string path, Dictionary<string, IFluidTemplate> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o) if (child is not null) CollectTemplates(child, path + "." + key, into);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) if (a[i] is { } child) CollectTemplates(child, $"{path}[{i}]", into);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                into[path] = Parser.Parse(v.GetValue<string>());
                break;
        }
    }

    private static void ValidatePayload(string json, string at, List<string> errors)
    {
        if (json.Length > MaxPartLength) { errors.Add($"{at}: at most {MaxPartLength} characters"); return; }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = MaxPayloadDepth });
        }
        catch (JsonException e)
        {
            errors.Add($"{at}: not JSON within depth {MaxPayloadDepth}: {e.Message}");
            return;
        }
        if (root is not JsonObject) { errors.Add($"{at}: must be a JSON object"); return; }
        var strings = new List<(string Path, string Source)>();
        Strings(root, "$", strings);
        foreach (var (path, source) in strings)
        {
            if (!Parser.TryParse(source, out _, out var error)) errors.Add($"{at}{path[1..]}: does not compile: {error}");
        }
    }

    private static void Strings(JsonNode node, string path, List<(string, string)> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o) if (child is not null) Strings(child, path + "." + key, into);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) if (a[i] is { } child) Strings(child, $"{path}[{i}]", into);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                into.Add((path, v.GetValue<string>()));
                break;
        }
    }

    private static IFluidTemplate? ParseOrNull(string? source) => source is null ? null : Parser.Parse(source);

    private static IEnumerable<(string Name, string? Source)> Parts(ActionContent c) =>
        [("subject", c.Subject), ("text", c.Text), ("html", c.Html), ("title", c.Title), ("body", c.Body), ("deepLink", c.DeepLink)];

    private static string? PartOf(ActionContent c, string part) => part switch
    {
        "subject" => c.Subject,
        "text" => c.Text,
        "html" => c.Html,
        "title" => c.Title,
        "body" => c.Body,
        "deepLink" => c.DeepLink,
        _ => null,
    };
}
