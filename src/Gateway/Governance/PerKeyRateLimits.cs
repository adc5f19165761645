using System.Threading.RateLimiting;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using Microsoft.AspNetCore.RateLimiting;

namespace MarketingActors.Gateway.Governance;

/// <summary>One fixed-window limiter per API key (per client address before a key is known); beyond it 429 rate_limited.</summary>
public static class PerKeyRateLimits
{
    public static void Configure(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = async (context, _) =>
        {
            var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            await Problems.Of(StatusCodes.Status429TooManyRequests, "rate_limited", "this API key sent too many requests; slow down", retryAfter: retry)
                .ExecuteAsync(context.HttpContext);
        };
    }

    public static void Partition(RateLimiterOptions options, SecurityOptions security) =>
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var key = context.Items[typeof(Principal)] is Principal p ? "key:" + (p.KeyId.Length > 0 ? p.KeyId : p.Id) : "ip:" + context.Connection.RemoteIpAddress;
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = security.RequestsPerWindow,
                Window = security.RateWindow,
                QueueLimit = 0,
            });
        });
}
