using System.Net;
using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Learning;
using MarketingActors.Services.Learning;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Grains.Learning;

/// <summary>
/// Bad training input end to end on an engine of its own (an empty buffer to start from): rows
/// arrive over the stream, the train command refuses them with a reason, and the champion stays.
/// </summary>
public sealed class RetrainingBadInputSpec : IAsyncLifetime
{
    private readonly EmbeddedEngine _engine = new();

    public Task InitializeAsync() => _engine.InitializeAsync();

    public Task DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task A_buffer_of_one_class_only_is_refused_with_a_reason_and_the_prior_stays_in_service()
    {
        var retraining = _engine.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IRetrainingGrain>(0);
        var negatives = SyntheticOutcomes.Rows(3_000, seed: 9).Where(r => !r.Converted).ToArray();
        var nan = negatives[0] with { Features = [.. negatives[0].Features.Select(_ => float.PositiveInfinity)] };
        var outbox = _engine.App.Services.GetRequiredService<TrainingRowOutbox>();
        outbox.Enqueue([.. negatives, nan]);
        await outbox.Flush();
        await Eventually.Holds(retraining.Monitoring, m => m.RowsReceived == negatives.Length + 1, because: "the rows on the stream");

        var response = await _engine.Http.PostAsync("/v1/models/train", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(LearningReasons.OneClassOnly, (await _engine.Json(response)).GetProperty("reason").GetString());
        Assert.Empty(await retraining.ListVersions());
        var monitoring = await retraining.Monitoring();
        Assert.Equal((ModelRegistry.Prior, 1L, negatives.Length), (monitoring.Champion, monitoring.RowsRejected, monitoring.BufferedRows));
        Assert.Equal(ModelRegistry.Prior, _engine.App.Services.GetRequiredService<ConversionModelHolder>().Current.Version);
    }
}
