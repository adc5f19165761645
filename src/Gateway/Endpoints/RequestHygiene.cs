namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// The first check of every request: its decoded path and query (where route values and filters
/// come from) hold no control character and no unpaired surrogate. Such text would reach grain
/// keys and database parameters, where it fails as a storage error; here it is a 400 with a reason.
/// </summary>
public static class RequestHygiene
{
    // Not async: a clean request goes on without a state machine of this layer's own.
    public static IApplicationBuilder UseRequestHygiene(this IApplicationBuilder app) =>
        app.Use((context, next) => Refusal(context.Request) is { } refusal ? refusal.ExecuteAsync(context) : next(context));

    private static IResult? Refusal(HttpRequest request)
    {
        if (!RequestText.IsPrintable(request.Path.Value ?? ""))
            return Problems.Of(StatusCodes.Status400BadRequest, RequestText.InvalidText, "the path holds a control character or invalid Unicode");
        foreach (var (key, values) in request.Query)
        {
            if (RequestText.IsPrintable(key) && values.All(v => v is null || RequestText.IsPrintable(v))) continue;
            return Problems.Of(StatusCodes.Status400BadRequest, RequestText.InvalidText, "the query holds a control character or invalid Unicode");
        }
        return null;
    }
}
