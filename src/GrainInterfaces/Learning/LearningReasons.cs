namespace MarketingActors.Learning;

/// <summary>Machine-readable reasons the learning loop refuses input or a command with; the API returns them as-is.</summary>
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
