namespace MarketingActors.Services.Learning;

/// <summary>
/// The stream that carries labelled rows from every silo's <see cref="TrainingRowOutbox"/> to the
/// RetrainingGrain (implicitly subscribed, key 0). The provider is configured per host in
/// SiloComposition: in-memory streams in both modes (docs/decisions.md says why not AdoNet).
/// </summary>
public static class LearningStreams
{
    public const string Provider = "learning";
    public const string RowsNamespace = "ma-training-rows";

    /// <summary>Pub-sub state of every stream provider; Orleans looks the storage up by this name.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>Keyed like the RetrainingGrain, so the implicit subscription activates exactly that grain.</summary>
    public static StreamId Rows => StreamId.Create(RowsNamespace, 0);
}
