using BenchmarkDotNet.Attributes;
using MarketingActors.Decisions;
using MarketingActors.Events;
using MarketingActors.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace MarketingActors.Benchmarks;

/// <summary>
/// Writing the answer to a batch of decided events as `/v1/events` does (<see cref="Utf8JsonAnswer{T}"/>:
/// the source-generated context into a pooled buffer, then the response body), a figure per event.
/// Candidates' verdicts only with <see cref="Explain"/>. <see cref="Figures"/> = zeroed writes the
/// same decisions with every double 0, the shortest a double formats to: the difference bounds what
/// formatting the doubles costs.
/// </summary>
[Config(typeof(ShortRunConfig)), MemoryDiagnoser]
public class AnswerWork
{
    private const int Batch = 500;

    [Params(false, true)]
    public bool Explain { get; set; }

    [Params("decided", "zeroed")]
    public string Figures { get; set; } = "decided";

    private IngestResponse _response = null!;

    [GlobalSetup]
    public void Setup()
    {
        var results = Enumerable.Range(0, Batch).Select(i =>
        {
            var decision = Fixtures.AuditedDecision(Fixtures.Start);
            return new EventResult { EventId = $"evt-{i:D8}", Status = EventStatus.Accepted, Decisions = [Figures == "zeroed" ? Zeroed(decision) : decision] };
        }).ToArray();
        _response = new IngestResponse(Batch, 0, 0, DecisionDetail.For(results, Explain));
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task<long?> WriteAnswer()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = Stream.Null;
        await new Utf8JsonAnswer<IngestResponse>(_response, GatewayJsonContext.Default.IngestResponse).ExecuteAsync(context);
        return context.Response.ContentLength;
    }

    private static Decision Zeroed(Decision decision) => decision with
    {
        Scores = new DecisionScores { ConversionLikelihood = 0, EngagementVelocity = 0 },
        Holdout = decision.Holdout! with { Bucket = 0, GlobalBucket = 0 },
        Candidates = [.. decision.Candidates!.Select(c => c with { ExpectedValue = 0, ChannelAffinity = 0, SampledVariantLift = 0 })],
    };
}
