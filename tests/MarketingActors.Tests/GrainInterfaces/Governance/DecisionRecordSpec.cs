using System.Reflection;
using System.Text.Json;
using CsCheck;
using MarketingActors.Core.Governance;
using MarketingActors.Decisions;
using MarketingActors.Governance;
using MarketingActors.Measurement;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.GrainInterfaces.Governance;

public sealed class DecisionRecordSpec
{
    private static byte[] AuditJsonOf(Decision decision) => JsonSerializer.SerializeToUtf8Bytes(decision, AuditJson.Options);

    [Fact]
    public void A_decision_kept_as_its_record_reads_as_the_json_the_audit_serializer_writes_for_it()
    {
        foreach (var decision in new[]
        {
            SampleDecisions.With("banner <b>&'\"é☕", 0.123456, 0.05m, heldOut: false),
            SampleDecisions.With("x", 0, 0, heldOut: true),
            SampleDecisions.Complete("🎯 ünïcødé", 0.7123498723498723, 1234567.8900m),
            // Texts whose lengths take two and three varint bytes.
            SampleDecisions.Complete(new string('é', 5_000), -0.0, -1m),
            SampleDecisions.Complete(new string('x', 20_000), double.Epsilon, decimal.MaxValue),
            // Many small fields, so the record outgrows its first buffer between fields rather than within a text.
            ManyCandidates(60),
        })
        {
            var payload = AuditPayload.Of(decision);

            Assert.True(payload.IsDecisionRecord);
            Assert.Equal(AuditJsonOf(decision), payload.Json.ToArray());
            Assert.Equal(AuditJsonOf(decision), AuditJsonOf(payload.ToDecision()));
        }
    }

    private static Decision ManyCandidates(int count)
    {
        var decision = SampleDecisions.Complete("many", 0.25, 0.05m);
        return decision with { Candidates = [.. Enumerable.Range(0, count).Select(i => decision.Candidates![i % 3] with { ActionId = "a" + i, ExpectedValue = i / 3.0 })] };
    }

    [Fact]
    public void Any_decision_reads_back_as_the_json_it_would_have_been_written_as() =>
        Gen.Select(Gen.String, Gen.Double, Gen.Decimal, Gen.Bool).Sample((text, score, cost, heldOut) =>
        {
            var decision = heldOut ? SampleDecisions.With(text, score, cost, heldOut: true) : SampleDecisions.Complete(text, score, cost);
            return AuditPayload.Of(decision).Json.SequenceEqual(AuditJsonOf(decision));
        });

    [Fact]
    public void The_complete_sample_sets_every_property_so_a_field_the_record_forgets_fails_the_specs_above()
    {
        var decision = SampleDecisions.Complete("x", 0.5, 0.05m);

        AssertEverySet(decision);
        AssertEverySet(decision.Action!);
        AssertEverySet(decision.WouldHaveSent!);
        AssertEverySet(decision.Scores);
        AssertEverySet(decision.Holdout!);
        AssertEverySet(decision.Candidates!);
    }

    private static void AssertEverySet(params object[] instances)
    {
        foreach (var property in instances[0].GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null && p.Name != "EqualityContract"))
        {
            var type = property.PropertyType;
            var unset = type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
            Assert.True(instances.Any(i => !Equals(property.GetValue(i), unset)), $"{property.DeclaringType!.Name}.{property.Name} is never set in the sample");
        }
    }

    /// <summary>Figures at the edges: signed zero, not-a-number, infinities, the smallest and largest doubles, and millionths past 2⁵³.</summary>
    private static readonly double[] Specials = [-0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue, 9007199254.740993, -9007199254.740992];

    [Fact]
    public void Any_figure_reads_back_bit_for_bit_whether_it_is_stored_as_millionths_or_raw() =>
        Gen.OneOf(Gen.Double, Gen.Double.Unit.Select(u => Math.Round(u * 1e4, 6)), Gen.Int.Select(n => n / 1e6),
                Gen.Int[0, Specials.Length - 1].Select(i => Specials[i]))
            .Sample(figure =>
            {
                var decision = SampleDecisions.Complete("f", figure, 0.05m);
                var back = DecisionRecord.Decode(DecisionRecord.Encode(decision));
                return new[] { back.Scores.ConversionLikelihood, -back.Scores.EngagementVelocity, back.Holdout!.Bucket, back.Candidates![0].ExpectedValue }
                    .All(v => BitConverter.DoubleToInt64Bits(v) == BitConverter.DoubleToInt64Bits(figure));
            });

    [Fact]
    public void A_figure_rounded_to_six_places_takes_fewer_bytes_than_its_ieee_bits()
    {
        var rounded = DecisionRecord.Encode(SampleDecisions.With("f", 0.123456, 0.05m, heldOut: false));
        var unrounded = DecisionRecord.Encode(SampleDecisions.With("f", 0.1234567, 0.05m, heldOut: false));

        // The figure appears six times in the sample (three scores, two buckets, one verdict): four bytes or more saved on each.
        Assert.True(unrounded.Length - rounded.Length >= 6 * 4, $"{rounded.Length} against {unrounded.Length} bytes");
    }

    [Fact]
    public void A_decision_record_is_a_fraction_of_its_json()
    {
        var decision = SampleDecisions.Complete("spring-banner", 0.123456, 0.05m);

        Assert.True(AuditPayload.Of(decision).Stored.Length * 2 < AuditJsonOf(decision).Length);
    }

    [Fact]
    public void A_decision_written_as_json_before_the_records_still_reads_as_a_decision()
    {
        var decision = SampleDecisions.Complete("legacy", 0.25, 0.1m);
        var legacy = AuditPayload.FromUtf8(AuditJsonOf(decision));

        Assert.False(legacy.IsDecisionRecord);
        Assert.Equal(AuditJsonOf(decision), AuditJsonOf(legacy.ToDecision()));
        Assert.Equal(legacy.Stored.ToArray(), legacy.Json.ToArray());
    }

    [Fact]
    public void A_record_and_its_json_are_different_payloads_and_hash_differently()
    {
        var decision = SampleDecisions.With("x", 0.5, 0.05m, heldOut: false);
        var record = new AuditEntry { Kind = AuditKinds.Decision, Payload = AuditPayload.Of(decision), PrevHash = AuditChain.Genesis, Hash = "" };
        var json = record with { Payload = AuditPayload.FromUtf8(AuditJsonOf(decision)) };

        Assert.NotEqual(record.Payload, json.Payload);
        Assert.Equal(record.Payload.Stored.Length, record.Payload.HashedLength);
        Assert.NotEqual(AuditChain.HashOf(record), AuditChain.HashOf(json));
    }

    [Fact]
    public void Any_cut_short_record_is_refused_as_invalid_data_never_read_as_another_decision()
    {
        var record = DecisionRecord.Encode(SampleDecisions.Complete("cut", 0.5, 0.05m));

        for (var length = 0; length < record.Length; length++) Assert.Throws<InvalidDataException>(() => DecisionRecord.Decode(record.AsSpan(0, length)));
        Assert.Throws<InvalidDataException>(() => DecisionRecord.Decode([.. record, 0]));
    }

    [Fact]
    public void A_record_of_another_version_or_with_a_forged_count_is_refused()
    {
        var record = DecisionRecord.Encode(SampleDecisions.With("v", 0.5, 0.05m, heldOut: false));
        var otherVersion = record.ToArray();
        otherVersion[1] = 2;
        // The decision id's length, forged to claim four billion bytes.
        byte[] forged = [DecisionRecord.Marker, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. record[3..]];

        Assert.Throws<InvalidDataException>(() => DecisionRecord.Decode(otherVersion));
        Assert.Throws<InvalidDataException>(() => DecisionRecord.Decode(forged));
    }

    [Fact]
    public void Any_bytes_either_decode_as_a_decision_or_are_refused_as_invalid_data() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            byte[] record = [DecisionRecord.Marker, 1, .. bytes];
            try
            {
                return DecisionRecord.Decode(record) is not null;
            }
            catch (InvalidDataException)
            {
                return true;
            }
        });

    [Fact]
    public void A_stored_payload_is_a_decision_record_or_utf8_and_nothing_else()
    {
        Assert.True(AuditPayload.FromStored(DecisionRecord.Encode(SampleDecisions.With("s", 0.5, 0.05m, heldOut: true))).IsDecisionRecord);
        Assert.Equal("""{"a":"é"}""", AuditPayload.FromStored("""{"a":"é"}"""u8.ToArray()).ToString());
        Assert.Throws<InvalidDataException>(() => AuditPayload.FromStored([0x7B, 0xC3, 0x28, 0x7D]));
    }

    [Fact]
    public void The_api_shows_a_decision_record_as_a_string_holding_the_decisions_json()
    {
        var decision = SampleDecisions.With("api", 0.5, 0.05m, heldOut: false);
        var entry = new AuditEntry { Kind = AuditKinds.Decision, Payload = AuditPayload.Of(decision) };

        var written = JsonDocument.Parse(JsonSerializer.Serialize(entry, JsonSerializerOptions.Web)).RootElement.GetProperty("payload").GetString();

        Assert.Equal(JsonSerializer.Serialize(decision, AuditJson.Options), written);
        Assert.Equal(MeasurementGroup.Treated, JsonSerializer.Deserialize<Decision>(written!, AuditJson.Options)!.Holdout!.Group);
    }
}
