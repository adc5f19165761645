using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Governance;

/// <summary>
/// A decision as its audit entry stores and hashes it: a compact binary record, rendered as the
/// decision's JSON only when someone reads it. Every decision is audited, and writing its 1–2 KB of
/// JSON, then hashing and compressing those bytes, was a fifth of a decided event's CPU
/// (benchmarks-history.md, 2026-12-07, twelfth session; the record: sixteenth session); reads are rare.
/// <para>
/// Layout: the marker <c>0xFF</c> (never the first byte of UTF-8 text, so a record cannot be taken
/// for a JSON payload or the other way round), the version <c>1</c>, then the fields in declaration
/// order. Strings are a varint of UTF-8 length + 1 (0 for null) and their bytes; arrays a varint of
/// count + 1; an optional value a presence byte; decimals their four 32-bit parts, little-endian.
/// A double that is a whole number of millionths (the engine rounds its figures to six places) is a
/// varint of that count, zigzagged and shifted left once; any other the byte 1 and its IEEE bits.
/// Either way it reads back bit for bit, so the JSON rendered later is the JSON the decision had;
/// and the millionths compress as the JSON's digits did, where raw IEEE bits do not.
/// </para>
/// </summary>
public static class DecisionRecord
{
    public const byte Marker = 0xFF;
    private const byte Version = 1;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool Holds(ReadOnlySpan<byte> stored) => stored.Length > 0 && stored[0] == Marker;

    /// <summary>Written once into a pooled buffer that grows as it fills, then copied out at its size: each string is encoded once, not counted first.</summary>
    public static byte[] Encode(Decision d)
    {
        var writer = new Writer(TypicalSize);
        try
        {
            Write(d, ref writer);
            return writer.Written.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>A decision with three candidates takes ≈ 370 bytes; more or longer texts grow the buffer.</summary>
    private const int TypicalSize = 512;

    private static void Write(Decision d, ref Writer writer)
    {
        writer.Byte(Marker);
        writer.Byte(Version);
        writer.Text(d.DecisionId);
        writer.Text(d.CustomerId);
        writer.Text(d.CampaignId);
        writer.Text(d.JourneyStepId);
        writer.Action(d.Action);
        writer.Scores(d.Scores);
        writer.Text(d.ModelVersion);
        writer.Count(d.Candidates);
        foreach (var c in d.Candidates ?? [])
        {
            writer.Text(c.ActionId);
            writer.Byte((byte)c.Outcome);
            writer.Count(c.Reasons);
            foreach (var reason in c.Reasons ?? []) writer.Text(reason);
            writer.Double(c.ExpectedValue);
            writer.Double(c.ChannelAffinity);
            writer.Double(c.SampledVariantLift);
        }
        writer.Text(d.Reason);
        writer.Text(d.Trigger);
        writer.Instant(d.DecidedAt);
        writer.Instant(d.ReservationExpiresAt);
        writer.Text(d.Placement);
        writer.Holdout(d.Holdout);
        writer.Action(d.WouldHaveSent);
        writer.Text(d.DeliveredBy);
        writer.Instant(d.DeliverAfter);
    }

    /// <exception cref="InvalidDataException">The bytes are not a decision record this version reads.</exception>
    public static Decision Decode(ReadOnlySpan<byte> record)
    {
        try
        {
            var reader = new Reader(record);
            if (reader.Byte() != Marker || reader.Byte() != Version) throw new InvalidDataException("not a version-1 decision record");
            var decision = new Decision
            {
                DecisionId = reader.Text()!,
                CustomerId = reader.Text()!,
                CampaignId = reader.Text()!,
                JourneyStepId = reader.Text(),
                Action = reader.Action(),
                Scores = reader.Scores(),
                ModelVersion = reader.Text()!,
                Candidates = reader.Candidates(),
                Reason = reader.Text()!,
                Trigger = reader.Text(),
                DecidedAt = reader.Instant(),
                ReservationExpiresAt = reader.OptionalInstant(),
                Placement = reader.Text(),
                Holdout = reader.Holdout(),
                WouldHaveSent = reader.Action(),
                DeliveredBy = reader.Text(),
                DeliverAfter = reader.OptionalInstant(),
            };
            return reader.AtEnd ? decision : throw new InvalidDataException("a decision record has bytes after its last field");
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or DecoderFallbackException)
        {
            throw new InvalidDataException("the decision record does not decode: " + e.Message, e);
        }
    }

    /// <summary>Ticks of the clock time and the offset in minutes: a DateTimeOffset exactly as it was.</summary>
    private const int InstantSize = 8 + 2;

    private const int MaxVarint = 10, MaxDouble = 9;

    /// <summary>Millionths up to 2⁵³ are exact in a double, and their varint fits 64 bits.</summary>
    private const double MaxMillionths = 1L << 53;

    private ref struct Writer(int capacity)
    {
        private byte[] _to = ArrayPool<byte>.Shared.Rent(capacity);
        private int At { get; set; }

        public readonly ReadOnlySpan<byte> Written => _to.AsSpan(0, At);

        public readonly void Dispose() => ArrayPool<byte>.Shared.Return(_to);

        /// <summary>Room for the next field's largest form: a buffer it would overrun is swapped for one at least twice its size. A field writes into the room it made without asking again.</summary>
        private void Room(int bytes)
        {
            if (At + bytes <= _to.Length) return;
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(2 * _to.Length, At + bytes));
            Written.CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_to);
            _to = larger;
        }

        public void Byte(byte value)
        {
            Room(1);
            _to[At++] = value;
        }

        public void Double(double value)
        {
            Room(MaxDouble);
            var millionths = Math.Round(value * 1e6);
            // Compared as bits through the integer, so −0 and NaN take the raw form.
            if (Math.Abs(millionths) <= MaxMillionths && BitConverter.DoubleToInt64Bits((long)millionths / 1e6) == BitConverter.DoubleToInt64Bits(value))
            {
                var n = (long)millionths;
                Varint((ulong)((n << 1) ^ (n >> 63)) << 1);
                return;
            }
            _to[At++] = 1;
            BinaryPrimitives.WriteDoubleLittleEndian(_to.AsSpan(At), value);
            At += 8;
        }

        public void Varint(ulong value)
        {
            Room(MaxVarint);
            for (; value >= 0x80; value >>= 7) _to[At++] = (byte)(value | 0x80);
            _to[At++] = (byte)value;
        }

        public void Text(string? text)
        {
            if (text is null)
            {
                Byte(0);
                return;
            }
            var most = Encoding.UTF8.GetMaxByteCount(text.Length);
            Room(MaxVarint + most);
            if (most < 0x7F)
            {
                // Short enough that its length + 1 is one varint byte whatever the text: written behind it, then filled in.
                var length = Encoding.UTF8.GetBytes(text, _to.AsSpan(At + 1));
                _to[At] = (byte)(length + 1);
                At += 1 + length;
                return;
            }
            Varint((uint)Encoding.UTF8.GetByteCount(text) + 1);
            At += Encoding.UTF8.GetBytes(text, _to.AsSpan(At));
        }

        public void Count<T>(T[]? items) => Varint((uint)(items?.Length ?? -1) + 1);

        public void Instant(DateTimeOffset instant)
        {
            Room(InstantSize);
            BinaryPrimitives.WriteInt64LittleEndian(_to.AsSpan(At), instant.Ticks);
            BinaryPrimitives.WriteInt16LittleEndian(_to.AsSpan(At + 8), (short)(instant.Offset.Ticks / TimeSpan.TicksPerMinute));
            At += InstantSize;
        }

        public void Instant(DateTimeOffset? instant)
        {
            if (Present(instant)) Instant(instant.Value);
        }

        public void Action(ChosenAction? a)
        {
            if (!Present(a)) return;
            Text(a.ActionId);
            Text(a.Channel);
            Text(a.Variant);
            Text(a.Locale);
            Span<int> parts = stackalloc int[4];
            decimal.GetBits(a.Cost, parts);
            Room(16);
            foreach (var part in parts)
            {
                BinaryPrimitives.WriteInt32LittleEndian(_to.AsSpan(At), part);
                At += 4;
            }
            Text(a.Currency);
        }

        public void Scores(DecisionScores s)
        {
            Double(s.ConversionLikelihood);
            Double(s.EngagementVelocity);
            Double(s.ExpectedValue);
            Optional(s.Propensity);
            Optional(s.PredictedUplift);
        }

        public void Holdout(HoldoutAssignment? h)
        {
            if (!Present(h)) return;
            Byte((byte)h.Group);
            Double(h.Bucket);
            Double(h.GlobalBucket);
            Text(h.SaltId);
        }

        private void Optional(double? value)
        {
            if (Present(value)) Double(value.Value);
        }

        /// <summary>An optional value's presence byte, as <see cref="Reader"/> reads it back.</summary>
        private bool Present<T>([NotNullWhen(true)] T? value)
        {
            var present = value is not null;
            Byte(present ? (byte)1 : (byte)0);
            return present;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> from)
    {
        private readonly ReadOnlySpan<byte> _from = from;
        private int _at;

        public readonly bool AtEnd => _at == _from.Length;

        public byte Byte() => _from[_at++];

        private bool Present() => Byte() switch
        {
            0 => false,
            1 => true,
            _ => throw new InvalidDataException("a decision record's presence byte is neither 0 nor 1"),
        };

        public double Double()
        {
            var stored = Varint();
            if ((stored & 1) == 0)
            {
                var zigzag = stored >> 1;
                return ((long)(zigzag >> 1) ^ -(long)(zigzag & 1)) / 1e6;
            }
            if (stored != 1) throw new InvalidDataException("a decision record's figure is neither millionths nor raw");
            var value = BinaryPrimitives.ReadDoubleLittleEndian(_from[_at..]);
            _at += 8;
            return value;
        }

        private ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new InvalidDataException("a decision record's varint runs past ten bytes");
        }

        /// <summary>A count or length stored + 1; −1 for null. Never more than the bytes left, so a forged count cannot allocate past the record.</summary>
        private int Count()
        {
            var stored = Varint();
            return stored <= (ulong)(_from.Length - _at) + 1 ? (int)stored - 1 : throw new InvalidDataException("a decision record's count runs past its end");
        }

        public string? Text()
        {
            var length = Count();
            if (length < 0) return null;
            var text = Strict.GetString(_from.Slice(_at, length));
            _at += length;
            return text;
        }

        public DateTimeOffset Instant()
        {
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(_from[_at..]);
            var minutes = BinaryPrimitives.ReadInt16LittleEndian(_from[(_at + 8)..]);
            _at += InstantSize;
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
        }

        public DateTimeOffset? OptionalInstant() => Present() ? Instant() : null;

        public ChosenAction? Action()
        {
            if (!Present()) return null;
            var (actionId, channel, variant, locale) = (Text()!, Text()!, Text()!, Text());
            Span<int> parts = stackalloc int[4];
            for (var i = 0; i < 4; i++, _at += 4) parts[i] = BinaryPrimitives.ReadInt32LittleEndian(_from[_at..]);
            return new ChosenAction { ActionId = actionId, Channel = channel, Variant = variant, Locale = locale, Cost = new decimal(parts), Currency = Text()! };
        }

        public DecisionScores Scores() => new()
        {
            ConversionLikelihood = Double(),
            EngagementVelocity = Double(),
            ExpectedValue = Double(),
            Propensity = Present() ? Double() : null,
            PredictedUplift = Present() ? Double() : null,
        };

        public CandidateVerdict[]? Candidates()
        {
            var count = Count();
            if (count < 0) return null;
            var candidates = new CandidateVerdict[count];
            for (var i = 0; i < count; i++)
            {
                var actionId = Text()!;
                var outcome = Enum<CandidateOutcome>();
                var reasons = Count() is var n and >= 0 ? new string[n] : null;
                for (var r = 0; r < (reasons?.Length ?? 0); r++) reasons![r] = Text()!;
                candidates[i] = new CandidateVerdict
                {
                    ActionId = actionId,
                    Outcome = outcome,
                    Reasons = reasons!,
                    ExpectedValue = Double(),
                    ChannelAffinity = Double(),
                    SampledVariantLift = Double(),
                };
            }
            return candidates;
        }

        public HoldoutAssignment? Holdout() => !Present() ? null : new HoldoutAssignment
        {
            Group = Enum<MeasurementGroup>(),
            Bucket = Double(),
            GlobalBucket = Double(),
            SaltId = Text()!,
        };

        private T Enum<T>() where T : struct, Enum
        {
            var value = (T)(object)(int)Byte();
            return System.Enum.IsDefined(value) ? value : throw new InvalidDataException($"a decision record holds an unknown {typeof(T).Name}");
        }
    }
}
