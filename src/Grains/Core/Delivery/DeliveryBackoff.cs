namespace MarketingActors.Core.Delivery;

/// <summary>
/// When a failed delivery is tried again: exponential backoff with "full jitter" (a uniform draw
/// in [0, base·2ⁿ], capped), so receivers that failed together are not hit together on the retry.
/// The draw is seeded by the decision id and attempt, so a retry schedule can be reproduced.
/// </summary>
public static class DeliveryBackoff
{
    public static TimeSpan Delay(int failedAttempts, TimeSpan initial, TimeSpan max, string decisionId)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        var draw = new Random(HashCode.Combine(StableHash(decisionId), failedAttempts)).NextDouble();
        // Never less than half the initial delay: a zero wait would retry a failing receiver at once.
        return TimeSpan.FromMilliseconds(Math.Max(initial.TotalMilliseconds / 2, ceiling * draw));
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var ch in s) h = unchecked(h * 31 + ch);
        return h;
    }
}
