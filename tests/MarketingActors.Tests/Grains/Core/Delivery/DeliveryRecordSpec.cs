using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Delivery;

/// <summary>A delivery's status moves only through its transitions; retries are spaced and bounded.</summary>
public class DeliveryRecordSpec
{
    private static DeliveryOrder Order(DateTimeOffset? after = null) => new()
    {
        DecisionId = "dec-1", CustomerId = "c", CampaignId = "camp", ActionId = "a", Channel = "push", Variant = "v", DecidedAt = T0, DeliverAfter = after,
    };

    private static DeliveryAttempt Attempt(string outcome, int minutes = 0) => new() { At = T0.AddMinutes(minutes), Connector = "webhook", Outcome = outcome };

    [Fact]
    public void A_new_delivery_is_due_at_once_unless_quiet_hours_deferred_it_and_then_it_is_checked_again()
    {
        var now = DeliveryRecord.New(Order(), T0);
        var deferred = DeliveryRecord.New(Order(after: T0.AddHours(9)), T0);

        Assert.True(now.IsDue(T0));
        Assert.False(now.Recheck);
        Assert.False(deferred.IsDue(T0.AddHours(8)));
        Assert.True(deferred.IsDue(T0.AddHours(9)));
        Assert.True(deferred.Recheck);
    }

    [Fact]
    public void A_failed_attempt_is_retried_until_the_last_then_dead_lettered_with_the_reason()
    {
        var record = DeliveryRecord.New(Order(), T0);

        Assert.True(record.Failed(Attempt("failed"), permanent: false, maxAttempts: 2, T0.AddSeconds(5), "HTTP 500"));
        Assert.Equal(DeliveryStatus.Pending, record.Status);
        Assert.False(record.IsDue(T0.AddSeconds(4)));
        Assert.True(record.Failed(Attempt("failed", 1), permanent: false, maxAttempts: 2, T0.AddMinutes(2), "HTTP 500"));

        Assert.Equal(DeliveryStatus.DeadLettered, record.Status);
        Assert.Equal("attempts_exhausted: HTTP 500", record.Reason);
        Assert.False(record.Delivered(Attempt("delivered", 3)));
    }

    [Fact]
    public void A_permanent_failure_dead_letters_at_once_and_an_operator_retry_starts_the_attempts_over_with_a_recheck()
    {
        var record = DeliveryRecord.New(Order(), T0);
        record.Failed(Attempt("permanent"), permanent: true, maxAttempts: 6, T0, DeliveryReasons.Rejected);

        Assert.Equal(DeliveryStatus.DeadLettered, record.Status);
        Assert.True(record.Retry(T0.AddHours(1)));
        Assert.Equal((DeliveryStatus.Pending, 0, true), (record.Status, record.Counted, record.Recheck));
        Assert.False(record.Retry(T0.AddHours(1)));
    }

    [Fact]
    public void Delivered_is_final_and_postponing_counts_no_attempt()
    {
        var record = DeliveryRecord.New(Order(), T0);
        Assert.True(record.Postpone(T0.AddSeconds(5), T0));
        Assert.Equal(0, record.Counted);
        Assert.Empty(record.Attempts);

        Assert.True(record.Delivered(Attempt("delivered")));
        Assert.False(record.Failed(Attempt("failed"), false, 6, T0, "late"));
        Assert.False(record.Retry(T0));
        Assert.False(record.Postpone(T0, T0));
        Assert.Equal(DeliveryStatus.Delivered, record.Status);
    }

    [Fact]
    public void A_long_retry_series_keeps_its_first_and_latest_attempts()
    {
        var record = DeliveryRecord.New(Order(), T0);
        for (var i = 0; i < 30; i++) record.Failed(Attempt("failed", i), false, 50, T0, "x");

        Assert.Equal(DeliveryRecord.MaxKeptAttempts, record.Attempts.Count);
        Assert.Equal(T0, record.Attempts[0].At);
        Assert.Equal(T0.AddMinutes(29), record.Attempts[^1].At);
    }

    [Fact]
    public void Backoff_grows_exponentially_under_its_cap_with_jitter_reproducible_per_decision()
    {
        var initial = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromMinutes(10);
        var delays = Enumerable.Range(1, 12).Select(n => DeliveryBackoff.Delay(n, initial, max, "dec-1")).ToList();

        for (var n = 1; n <= 12; n++)
        {
            var ceiling = Math.Min(max.TotalMilliseconds, 1000 * Math.Pow(2, n - 1));
            Assert.InRange(delays[n - 1].TotalMilliseconds, 500, ceiling);
        }
        Assert.Equal(delays, Enumerable.Range(1, 12).Select(n => DeliveryBackoff.Delay(n, initial, max, "dec-1")));
        Assert.NotEqual(delays, Enumerable.Range(1, 12).Select(n => DeliveryBackoff.Delay(n, initial, max, "dec-2")));
        Assert.True(delays.Skip(8).Average(d => d.TotalMilliseconds) > delays.Take(3).Average(d => d.TotalMilliseconds));
    }
}
