namespace MarketingActors.Core.Profiles;

/// <summary>
/// Exponentially decayed event counts at several half-lives. An event of weight w at time t
/// contributes w·2^(−(now−t)/h) to the horizon with half-life h, so each horizon is a smooth,
/// O(1)-per-event stand-in for "events in the last h/ln 2". Late events are decayed to the
/// counter's clock rather than moving it backwards.
/// </summary>
[GenerateSerializer, Alias("ma.decayed-counters")]
public sealed class DecayedCounters
{
    public static readonly TimeSpan[] HalfLives =
    [
        TimeSpan.FromHours(1),
        TimeSpan.FromHours(24),
        TimeSpan.FromDays(7),
        TimeSpan.FromDays(30),
    ];

    // A customer carries four of these, so the horizons live inline and the clock as UTC ticks (0:
    // never counted), not as an array and a nullable offset each: 56 bytes a counter instead of 104.
    [NonSerialized] private Horizons _values;
    [NonSerialized] private long _clockTicks;

    /// <summary>The decayed values as stored: the wire keeps the array of engines before the inline horizons.</summary>
    [Id(0)]
    public double[] Values
    {
        get => ((ReadOnlySpan<double>)_values).ToArray();
        set
        {
            _values = default;
            value.AsSpan(0, Math.Min(value.Length, Horizons.Length)).CopyTo(_values);
        }
    }

    [Id(1)]
    public DateTimeOffset? Clock
    {
        get => _clockTicks == 0 ? null : new DateTimeOffset(_clockTicks, TimeSpan.Zero);
        set => _clockTicks = value?.UtcTicks ?? 0;
    }

    public void Add(DateTimeOffset at, double weight = 1.0)
    {
        if (Clock is null || at >= Clock)
        {
            DecayTo(at);
            for (var i = 0; i < Horizons.Length; i++) _values[i] += weight;
            return;
        }
        var age = (Clock.Value - at).TotalHours;
        for (var i = 0; i < Horizons.Length; i++) _values[i] += weight * Factor(age, i);
    }

    /// <summary>The decayed count of horizon <paramref name="horizon"/> as seen at <paramref name="at"/>.</summary>
    public double ValueAt(int horizon, DateTimeOffset at)
    {
        if (Clock is null) return 0;
        var age = Math.Max(0, (at - Clock.Value).TotalHours);
        return _values[horizon] * Factor(age, horizon);
    }

    public void MergeFrom(DecayedCounters other)
    {
        if (other.Clock is null) return;
        var at = Clock is null || other.Clock > Clock ? other.Clock.Value : Clock.Value;
        DecayTo(at);
        for (var i = 0; i < Horizons.Length; i++) _values[i] += other.ValueAt(i, at);
    }

    /// <summary>Mean lifetime τ = h/ln 2 in hours: a steady rate r events/hour settles at r·τ.</summary>
    public static double MeanLifetimeHours(int horizon) => HalfLives[horizon].TotalHours / Math.Log(2);

    private void DecayTo(DateTimeOffset at)
    {
        if (Clock is { } clock)
        {
            var age = (at - clock).TotalHours;
            for (var i = 0; i < Horizons.Length; i++) _values[i] *= Factor(age, i);
        }
        Clock = at;
    }

    private static double Factor(double ageHours, int horizon) =>
        Math.Pow(2, -ageHours / HalfLives[horizon].TotalHours);

    /// <summary>One value per entry of <see cref="HalfLives"/>.</summary>
    [System.Runtime.CompilerServices.InlineArray(Length)]
    private struct Horizons
    {
        public const int Length = 4;
        private double _first;
    }
}
