using System.Diagnostics;
using System.Globalization;
using K4os.Compression.LZ4;
using MarketingActors.Core.Governance;
using MarketingActors.Decisions;
using MarketingActors.Measurement;
using ZstdSharp;

namespace MarketingActors.Benchmarks;

/// <summary>
/// What compressing the decision audit's sealed segments costs and saves, codec by codec: CPU a
/// decision and stored bytes a decision, on segments of 128 decisions as the engine drafts them
/// (distinct ids and customer references, scores rounded to six places, full-precision holdout
/// draws, three candidates' verdicts). The cluster writes zstd segments to PostgreSQL; the
/// embedded chain keeps LZ4 ones in memory. Each codec is timed over every segment, `rounds` times, after a warm-up:
///
///   dotnet bench/MarketingActors.Benchmarks/bin/Release/net10.0/MarketingActors.Benchmarks.dll segment-codecs [rounds]
/// </summary>
public static class SegmentCodecs
{
    private const int SegmentSize = 128, Segments = 40;
    private static readonly string[] Actions = ["web-banner", "ads-retarget", "app-card"];

    public static void Run(int rounds)
    {
        var raw = EncodedSegments();
        var decisions = Segments * SegmentSize;
        Console.WriteLine($"{decisions} decisions in segments of {SegmentSize}, encoded {raw.Sum(r => r.Length) / (double)decisions:F0} bytes a decision; {rounds} rounds");
        Console.WriteLine($"{"codec",-12} {"µs a decision",14} {"bytes a decision",17}");
        Report("lz4", raw, rounds, r => LZ4Pickler.Pickle(r).Length);
        foreach (var level in new[] { -1, 1, 3 })
        {
            using var compressor = new Compressor(level);
            var buffer = new byte[Compressor.GetCompressBound(raw.Max(r => r.Length))];
            Report($"zstd {level.ToString(CultureInfo.InvariantCulture)}", raw, rounds, r => compressor.Wrap(r, buffer));
        }
    }

    private static void Report(string codec, List<byte[]> raw, int rounds, Func<byte[], int> compress)
    {
        foreach (var r in raw) compress(r);
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        foreach (var r in raw) bytes += compress(r);
        clock.Stop();
        var decisions = (double)rounds * raw.Count * SegmentSize;
        Console.WriteLine($"{codec,-12} {clock.Elapsed.TotalMicroseconds / decisions,14:F2} {bytes / decisions,17:F0}");
    }

    /// <summary>The segments' encoded bytes, the input either codec gets (recovered from LZ4, which is lossless).</summary>
    private static List<byte[]> EncodedSegments()
    {
        var seal = AuditSeal.Ephemeral();
        var random = new Random(7);
        var at = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        var (sequence, previous) = (0L, AuditChain.Genesis);
        var entries = new List<AuditSegment.Sealed>();
        for (var i = 0; i < Segments * SegmentSize; i++)
        {
            var entry = AuditChain.Link(AuditDrafts.Decision(DecisionOf(random, at.AddMilliseconds(i)), Guid.NewGuid().ToString("N"), DecisionPayloadFormat.Record), sequence, previous, at.AddMilliseconds(i), seal);
            (sequence, previous) = (entry.Sequence, entry.Hash);
            entries.Add(new AuditSegment.Sealed(entry, seal.Scheme));
        }
        return [.. entries.Chunk(SegmentSize).Select(c => LZ4Pickler.Unpickle(new AuditSegment(c).Compressed(AuditSegment.Lz4)))];
    }

    private static Decision DecisionOf(Random random, DateTimeOffset at)
    {
        var picked = Actions[random.Next(Actions.Length)];
        double Figure(double scale) => Math.Round(random.NextDouble() * scale, 6);
        return new Decision
        {
            DecisionId = Guid.NewGuid().ToString("N"),
            CustomerId = "replaced by the reference",
            CampaignId = "bench",
            JourneyStepId = "pick",
            Action = new ChosenAction { ActionId = picked, Channel = picked.Split('-')[0], Variant = "banner", Cost = 0m, Currency = "USD" },
            Scores = new DecisionScores { ConversionLikelihood = Figure(0.2), EngagementVelocity = Figure(5), ExpectedValue = Figure(8) },
            Holdout = new HoldoutAssignment { Group = MeasurementGroup.Treated, Bucket = random.NextDouble(), GlobalBucket = random.NextDouble(), SaltId = "v1" },
            ModelVersion = "prior-logistic-v1",
            Reason = "highest_expected_value",
            DecidedAt = at,
            DeliveredBy = DeliveredBy.Caller,
            Candidates =
            [
                .. Actions.Select(a => new CandidateVerdict
                {
                    ActionId = a,
                    Outcome = a == picked ? CandidateOutcome.Chosen : CandidateOutcome.RankedLower,
                    Reasons = a == picked ? [] : ["lower_expected_value"],
                    ExpectedValue = Figure(8),
                    ChannelAffinity = Figure(1),
                    SampledVariantLift = Figure(2),
                }),
            ],
        };
    }
}
