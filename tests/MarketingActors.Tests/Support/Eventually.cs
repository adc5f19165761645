namespace MarketingActors.Tests.Support;

/// <summary>Waits for asynchronously propagated state (silo reports, reminders); fails with the last observation.</summary>
public static class Eventually
{
    public static async Task<T> Holds<T>(Func<Task<T>> observe, Func<T, bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        T last;
        while (true)
        {
            last = await observe();
            if (condition(last)) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }
        Assert.Fail($"condition not met in time{(because is null ? "" : ": " + because)}; last observation: {System.Text.Json.JsonSerializer.Serialize(last)}");
        return last;
    }
}
