namespace MarketingActors.Gateway.Endpoints;

/// <summary>Every error the gateway returns: RFC 7807 problem+json with a machine-readable <c>reason</c>.</summary>
public static class Problems
{
    public static IResult Of(int status, string reason, string detail, IEnumerable<string>? errors = null, TimeSpan? retryAfter = null)
    {
        var extensions = new Dictionary<string, object?> { ["reason"] = reason };
        if (errors is not null) extensions["errors"] = errors.ToArray();
        var problem = Results.Problem(statusCode: status, title: reason.Replace('_', ' '), detail: detail, extensions: extensions);
        return retryAfter is { } wait ? new WithRetryAfter(problem, wait) : problem;
    }

    public static IResult Unavailable(string detail) => Of(StatusCodes.Status503ServiceUnavailable, "engine_unavailable", detail, retryAfter: TimeSpan.FromSeconds(1));

    private sealed class WithRetryAfter(IResult inner, TimeSpan wait) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return inner.ExecuteAsync(httpContext);
        }
    }
}
