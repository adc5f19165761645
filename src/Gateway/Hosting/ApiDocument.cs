using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MarketingActors.Gateway.Hosting;

/// <summary>
/// The OpenAPI document generated clients are built from: the two ways a key is sent (Bearer;
/// Basic with the key as user name, as the analytics SDKs send a write key) declared once, and
/// required by every operation that is not public.
/// </summary>
public static class ApiDocument
{
    public const string Bearer = "bearer";
    public const string Basic = "basic";

    private static readonly Dictionary<string, string> Tags = new()
    {
        ["Events"] = "Behavioural events in the engine's own format, and the decisions they cause.",
        ["Analytics SDKs (Segment / RudderStack)"] = "The Segment HTTP Tracking API, as the Segment and RudderStack SDKs send it.",
        ["Quarantine"] = "Rejected events with their reasons, listed and replayed once the tracking plan is fixed.",
        ["Campaigns"] = "Campaign definitions, budgets and status, changed through the change gate.",
        ["Customers"] = "Profiles, next best action, export and erasure.",
        ["Models"] = "The conversion model registry and its monitoring.",
        ["Reports"] = "Lift and ROI reports against the holdout.",
        ["Access"] = "API keys and agent policies.",
        ["Approvals"] = "Changes waiting for a human.",
        ["Audit"] = "The keyed audit chain, its verification and decision explanations.",
        ["Kill switch"] = "The global and per-campaign stop.",
        ["Operations"] = "Health, metrics and the benchmark no-op.",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MarketingActors";
            document.Info.Description = "Real-time marketing decisioning: events in, decisions out, campaigns, budgets, governance and measurement.";
            document.Info.License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://opensource.org/licenses/MIT") };
            // The document describes whichever address served it; no trailing slash on it.
            foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An engine API key: Authorization: Bearer ma_…",
            };
            document.Components.SecuritySchemes[Basic] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "basic", Description = "An engine API key as the user name, empty password (how the Segment and RudderStack SDKs send a write key).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var access = context.Description.ActionDescriptor.EndpointMetadata.OfType<EndpointAccess>().LastOrDefault();
            // A public operation says so explicitly: an empty requirement is "no credentials".
            operation.Security = access?.Operation == EndpointAccess.Public ? [new OpenApiSecurityRequirement()] :
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Basic, context.Document)] = [] },
            ];
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // Held as UTF-8 behind a converter, which the generator cannot see through: on the wire it is a string of JSON.
            if (context.JsonTypeInfo.Type == typeof(AuditPayload))
            {
                schema.Type = JsonSchemaType.String;
                schema.Description = "The entry's JSON (before/after for changes; inputs, scores and verdicts for decisions), as a string.";
            }
            return Task.CompletedTask;
        });
    }
}
