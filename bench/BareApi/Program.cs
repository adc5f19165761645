// A bare ASP.NET Core minimal API on the engine's Kestrel: the ceiling the engine's own HTTP
// figures are compared with, and the loopback receiver of the delivery benchmark. It reads each
// body whole (as the engine does) and counts what it received, so a run can say how many
// deliveries arrived.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
long hooks = 0;

app.MapPost("/v1/noop", async (HttpRequest request) =>
{
    await Drain(request);
    return Results.Json(new Ack(true), AckContext.Default.Ack);
});
app.MapPost("/hook", async (HttpRequest request) =>
{
    await Drain(request);
    Interlocked.Increment(ref hooks);
    return Results.NoContent();
});
app.MapGet("/hook/count", () => Results.Text(Interlocked.Read(ref hooks).ToString(System.Globalization.CultureInfo.InvariantCulture)));
app.Run();

static async Task Drain(HttpRequest request)
{
    var buffer = new byte[16 * 1024];
    while (await request.Body.ReadAsync(buffer) > 0)
    {
    }
}

internal sealed record Ack(bool Ok);

[System.Text.Json.Serialization.JsonSerializable(typeof(Ack))]
internal sealed partial class AckContext : System.Text.Json.Serialization.JsonSerializerContext;
