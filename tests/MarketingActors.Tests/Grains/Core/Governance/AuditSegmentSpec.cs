using CsCheck;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class AuditSegmentSpec
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static AuditSegment SegmentOf(IReadOnlyList<string> payloads) => new([.. payloads.Select((payload, i) => new AuditSegment.Sealed(new AuditEntry
    {
        Sequence = i + 1, At = T0.AddTicks(i * TimeSpan.TicksPerMicrosecond), Kind = AuditKinds.Decision, CampaignId = "spring", CustomerRef = "ref-" + i % 3,
        SubjectId = "d" + i, Operation = i % 2 == 0 ? "email" : null, Payload = AuditPayload.FromJson(payload), PrevHash = "p" + i, Hash = "h" + i,
    }, AuditSeal.LegacyScheme))]);

    [Theory]
    [InlineData(AuditSegment.Lz4)]
    [InlineData(AuditSegment.Zstd)]
    public void Any_segment_comes_back_from_its_compressed_body_entry_for_entry(string codec) =>
        Gen.String[0, 2000].List[1, 40].Sample(payloads =>
        {
            var segment = SegmentOf(payloads);
            var back = AuditSegment.Decode(codec, segment.Compressed(codec));
            return back.Entries.SequenceEqual(segment.Entries);
        });

    [Theory]
    [InlineData(AuditSegment.Lz4)]
    [InlineData(AuditSegment.Zstd)]
    public void A_cut_or_altered_body_is_refused_as_unreadable(string codec)
    {
        var body = SegmentOf([.. Enumerable.Range(0, 20).Select(i => $$"""{"n":{{i}},"note":"ünïcødé"}""")]).Compressed(codec);
        var altered = (byte[])body.Clone();
        altered[1] ^= 0x40;

        Assert.Throws<InvalidDataException>(() => AuditSegment.Decode(codec, body.AsSpan(0, body.Length / 2)));
        Assert.Throws<InvalidDataException>(() => AuditSegment.Decode(codec, altered));
    }
}
