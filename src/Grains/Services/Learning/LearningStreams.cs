namespace MarketingActors.Services.Learning;

/// <summary>
/// The stream that carries labelled rows from every silo's <see cref="TrainingRowOutbox"/> to the
/// RetrainingGrain (implicitly subscribed, key 0), and its provider: in-memory streams in both modes
/// (docs/decisions.md says why not AdoNet), added by each mode's storage extension through <see cref="AddLearningStreams"/>.
/// </summary>
public static class LearningStreams
{
    public const string Provider = "learning";
    public const string RowsNamespace = "ma-training-rows";

    /// <summary>Pub-sub state of every stream provider; Orleans looks the storage up by this name.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>Keyed like the RetrainingGrain, so the implicit subscription activates exactly that grain.</summary>
    public static StreamId Rows => StreamId.Create(RowsNamespace, 0);

    /// <summary>
    /// The provider, the same in both modes. Its one stream maps to one queue, so one queue serves it (the default
    /// eight had seven pulling agents poll nothing ten times a second). Each tick drains the queue, so the period
    /// is what an idle silo pays and how long a silo's batch of rows (one a <c>RowFlushInterval</c>) may wait to be read.
    /// </summary>
    public static ISiloBuilder AddLearningStreams(this ISiloBuilder silo) => silo.AddMemoryStreams(Provider, streams =>
    {
        streams.ConfigurePartitioning(1);
        streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(500)));
    });
}
