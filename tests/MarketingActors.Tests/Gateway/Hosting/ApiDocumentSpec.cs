using System.Net;
using System.Text.Json;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Hosting;

/// <summary>The OpenAPI document generated clients are built from: typed, secured, described, and clean under Redocly's recommended rules.</summary>
[Collection(EmbeddedEngineCollection.Name)]
public sealed class ApiDocumentSpec(EmbeddedEngine engine)
{
    private async Task<JsonElement> Document() => await engine.Json(await engine.Http.GetAsync("/openapi/v1.json"));

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(m => m.Name is "get" or "post" or "put" or "delete" or "patch").Select(m => (path.Name, m.Name, m.Value)));

    [Fact]
    public async Task Every_operation_has_a_summary_and_a_security_requirement_and_the_schemes_are_declared()
    {
        var document = await Document();

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("basic", schemes.GetProperty("basic").GetProperty("scheme").GetString());
        Assert.All(Operations(document), o =>
        {
            Assert.True(o.Operation.TryGetProperty("summary", out _), $"{o.Method} {o.Path} has no summary");
            Assert.True(o.Operation.TryGetProperty("security", out _), $"{o.Method} {o.Path} declares no security");
        });
    }

    [Theory]
    [InlineData("/v1/campaigns", "post")]
    [InlineData("/v1/campaigns/{id}", "put")]
    [InlineData("/v1/campaigns/{id}/budget", "put")]
    [InlineData("/v1/keys", "post")]
    [InlineData("/v1/agents/{agentId}/policy", "put")]
    [InlineData("/v1/kill-switch", "post")]
    [InlineData("/v1/events", "post")]
    [InlineData("/v1/batch", "post")]
    [InlineData("/v1/track", "post")]
    [InlineData("/v1/quarantine/replay", "post")]
    [InlineData("/v1/connectors/{channel}", "put")]
    [InlineData("/v1/actions/preview", "post")]
    [InlineData("/v1/budget-agent/{group}", "put")]
    public async Task Each_write_declares_its_request_body(string path, string method)
    {
        var operation = (await Document()).GetProperty("paths").GetProperty(path).GetProperty(method);

        Assert.True(operation.GetProperty("requestBody").GetProperty("content").EnumerateObject().Any(), $"{method} {path}");
    }

    [Fact]
    public async Task Numbers_are_numbers_never_integer_or_string()
    {
        var mixed = new List<string>();
        Walk(await Document(), "#");

        Assert.Empty(mixed);

        void Walk(JsonElement node, string at)
        {
            if (node.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in node.EnumerateArray()) Walk(item, $"{at}/{i++}");
                return;
            }
            if (node.ValueKind != JsonValueKind.Object) return;
            if (node.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
            {
                var types = type.EnumerateArray().Select(t => t.GetString()).ToList();
                if (types.Contains("string") && (types.Contains("integer") || types.Contains("number"))) mixed.Add(at);
            }
            foreach (var p in node.EnumerateObject()) Walk(p.Value, $"{at}/{p.Name}");
        }
    }

    [Theory]
    [InlineData("/v1/events", "post")]
    [InlineData("/v1/batch", "post")]
    [InlineData("/v1/customers/{id}/next-best-action", "get")]
    public async Task Each_answer_with_decisions_declares_the_explain_flag(string path, string method)
    {
        var operation = (await Document()).GetProperty("paths").GetProperty(path).GetProperty(method);

        var flag = Assert.Single(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "explain");
        Assert.Equal("query", flag.GetProperty("in").GetString());
        Assert.Equal("boolean", flag.GetProperty("schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_audit_entry_s_payload_is_documented_as_the_string_it_is_on_the_wire()
    {
        var schemas = (await Document()).GetProperty("components").GetProperty("schemas");
        var payload = schemas.GetProperty("AuditEntry").GetProperty("properties").GetProperty("payload");
        if (payload.TryGetProperty("$ref", out var reference)) payload = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);

        Assert.Equal("string", payload.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Redocly_lint_with_the_recommended_rules_passes()
    {
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "tests", "api", "node_modules", "@redocly", "cli", "package.json")),
            "run `(cd tests/api && npm ci)` first; the README's test command does");
        var file = Path.Combine(Path.GetTempPath(), $"marketing-actors-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, (await Document()).GetRawText());
        try
        {
            var lint = await ExternalProcess.Run("node", ["tests/api/node_modules/@redocly/cli/bin/cli.js", "lint", file, "--config", "tests/api/redocly.yaml", "--format", "summary"], TimeSpan.FromMinutes(2));

            Assert.True(lint.ExitCode == 0, lint.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_interactive_reference_is_served_beside_the_document()
    {
        var client = engine.ClientWith(null);
        var page = await client.GetAsync("/reference/v1");
        var script = await client.GetAsync("/reference/scalar.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // Scalar resolves the source against the site's base path, so this is /openapi/v1.json.
        Assert.Contains("\"url\":\"openapi/v1.json\"", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }
}
