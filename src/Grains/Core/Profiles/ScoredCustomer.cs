namespace MarketingActors.Core.Profiles;

/// <summary>A customer as the decision step sees them at one instant: profile, features and scores.</summary>
public sealed class ScoredCustomer
{
    public required string CustomerId { get; init; }
    public required BehaviourProfile Profile { get; init; }
    public required float[] Features { get; init; }
    public required double Likelihood { get; init; }
    public required string ModelVersion { get; init; }
    public required DateTimeOffset At { get; init; }

    public double Velocity => Features[CustomerFeatures.IndexOf("velocity")];

    public static ScoredCustomer Score(string customerId, BehaviourProfile profile, IConversionModel model, DateTimeOffset at)
    {
        var features = CustomerFeatures.Compute(profile, at);
        return new ScoredCustomer
        {
            CustomerId = customerId,
            Profile = profile,
            Features = features,
            Likelihood = model.Score(features),
            ModelVersion = model.Version,
            At = at,
        };
    }

    /// <summary>A numeric field for rules: likelihood, any feature name, or null when unknown.</summary>
    public double? Numeric(string field) => field switch
    {
        "likelihood" => Likelihood,
        _ when CustomerFeatures.IndexOf(field) is var i and >= 0 => Features[i],
        _ => null,
    };
}
