namespace MarketingActors.Learning;

/// <summary>Bad input to the learning loop (rows, model bytes, schema): a machine-readable reason and a sentence.</summary>
public sealed class LearningException(string reason, string detail) : Exception(detail)
{
    public string Reason { get; } = reason;
}

public static class LearningReasons
{
    public const string TooFewRows = "too_few_rows";
    public const string OneClassOnly = "one_class_only";
    public const string NonFiniteFeature = "non_finite_feature";
    public const string FeatureLengthMismatch = "feature_length_mismatch";
    public const string CorruptModel = "corrupt_model";
    public const string IncompatibleModel = "incompatible_model";
    public const string FeatureSchemaMismatch = "feature_schema_mismatch";
    public const string ModelNotFound = "model_not_found";
    public const string AlreadyChampion = "already_champion";
}
