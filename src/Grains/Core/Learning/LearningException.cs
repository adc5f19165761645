namespace MarketingActors.Core.Learning;

/// <summary>Bad input to the learning loop (rows, model bytes, schema): a machine-readable reason and a sentence.</summary>
public sealed class LearningException(string reason, string detail) : Exception(detail)
{
    public string Reason { get; } = reason;
}
