namespace MarketingActors.Core.Profiles;

/// <summary>Scores the probability that a customer converts within 24 hours from the feature vector.</summary>
public interface IConversionModel
{
    string Version { get; }

    double Score(ReadOnlySpan<float> features);
}

/// <summary>The model customer grains score with right now; swapped atomically when a new version is promoted.</summary>
public interface IConversionModelProvider
{
    IConversionModel Current { get; }
}

/// <summary>
/// The documented prior used until a trained model is promoted: a logistic model whose weights
/// encode marketing common sense (recent engagement and intent raise the odds, dormancy lowers them):
///
///   z = −4.2 + 0.55·ln(1+E_1h) + 0.45·ln(1+E_24h) + 0.20·ln(1+E_7d) + 0.90·ln(1+I_24h)
///       + 0.35·ln(1+I_7d) + 0.40·ln(1+C_30d) + 0.25·velocity − 0.04·min(recency_days, 30)
///   p = 1 / (1 + e^(−z))
///
/// A customer with no history scores ≈ 0.5%, a first page view ≈ 8%, a few product views and an
/// add-to-cart within the hour 30–60%. Recency is capped at 30 days so dormancy cannot drown the rest.
/// </summary>
public sealed class LogisticPriorModel : IConversionModel
{
    public const string PriorVersion = "prior-logistic-v1";

    private static readonly (int Index, double Weight)[] Weights =
    [
        (CustomerFeatures.Slot.Engagement1h, 0.55), (CustomerFeatures.Slot.Engagement24h, 0.45), (CustomerFeatures.Slot.Engagement7d, 0.20),
        (CustomerFeatures.Slot.Intent24h, 0.90), (CustomerFeatures.Slot.Intent7d, 0.35), (CustomerFeatures.Slot.Conversions30d, 0.40),
        (CustomerFeatures.Slot.Velocity, 0.25),
    ];

    private const int RecencyIndex = CustomerFeatures.Slot.RecencyDays;
    private const double RecencyWeight = -0.04;
    private const float RecencyCapDays = 30;

    private const double Intercept = -4.2;

    public string Version => PriorVersion;

    public double Score(ReadOnlySpan<float> features)
    {
        var z = Intercept + RecencyWeight * Math.Min(features[RecencyIndex], RecencyCapDays);
        foreach (var (index, weight) in Weights)
        {
            z += weight * features[index];
        }
        return 1.0 / (1.0 + Math.Exp(-z));
    }
}

/// <summary>Holds the current model and swaps it atomically: the silo's model cache swaps in each promoted model.</summary>
public sealed class ConversionModelHolder : IConversionModelProvider
{
    private IConversionModel _current = new LogisticPriorModel();

    public IConversionModel Current => Volatile.Read(ref _current);

    public void Swap(IConversionModel model) => Volatile.Write(ref _current, model);
}
