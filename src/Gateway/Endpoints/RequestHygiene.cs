namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// The first check of every request: its decoded path and query (where route values and filters
/// come from) hold no control character and no unpaired surrogate. Such text would reach grain
/// keys and database parameters, where it fails as a storage error; here it is a 400 with a reason.
/// </summary>
public static class RequestHygiene
{
    public static IApplicationBuilder UseRequestHygiene(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!RequestText.IsPrintable(context.Request.Path.Value ?? ""))
        {
            await Problems.Of(StatusCodes.Status400BadRequest, RequestText.InvalidText, "the path holds a control character or invalid Unicode").ExecuteAsync(context);
            return;
        }
        foreach (var (key, values) in context.Request.Query)
        {
            if (RequestText.IsPrintable(key) && values.All(v => v is null || RequestText.IsPrintable(v))) continue;
            await Problems.Of(StatusCodes.Status400BadRequest, RequestText.InvalidText, "the query holds a control character or invalid Unicode").ExecuteAsync(context);
            return;
        }
        await next(context);
    });
}
