using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using MarketingActors.Events;

namespace MarketingActors.Storage;

/// <summary>
/// The bytes of one journaled event. Written as a compact binary record without the customer and
/// event ids its row already holds: the journal is the largest table and keeps every event, and a
/// page view's row with its index entries takes 262 bytes on disk this way, 470 with the event as
/// JSON (docs/benchmarks-history.md, thirteenth session). Rows journaled before it hold the event
/// as System.Text.Json writes it with default settings and are read as they were: such a row
/// starts with '{', a binary one with its format byte.
/// </summary>
/// <remarks>
/// Format 1, little-endian: the format byte; a flags byte (which optional fields follow, and
/// <see cref="MarketingEvent.UnknownType"/>); the type; the timestamp's clock ticks (int64) and
/// offset in minutes (int16); channel, campaign, decision and value when flagged (the value as
/// <see cref="decimal.GetBits(decimal)"/>: scale kept); the property count and each key and value.
/// Counts and string headers are 7-bit varints; a string's header is its byte length shifted left
/// by one, the low bit set when it is stored as UTF-16 because it is not valid Unicode (an unpaired
/// surrogate), so every string reads back exactly as written.
/// </remarks>
public static class JournalPayload
{
    private const byte Format1 = 1;
    private const byte LegacyJson = (byte)'{';

    /// <summary>The row as <paramref name="format"/> says: JSON only while older silos, which read nothing else, still run (<see cref="JournalRowFormat.Json"/>).</summary>
    public static byte[] Of(MarketingEvent e, JournalRowFormat format) => format switch
    {
        JournalRowFormat.Binary => Of(e),
        JournalRowFormat.Json => JsonSerializer.SerializeToUtf8Bytes(e, JournalJsonContext.Default.MarketingEvent),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "no such journal row format"),
    };

    [Flags]
    private enum Fields : byte
    {
        Channel = 1,
        CampaignId = 2,
        DecisionId = 4,
        Value = 8,
        UnknownType = 16,
        Known = Channel | CampaignId | DecisionId | Value | UnknownType,
    }

    public static byte[] Of(MarketingEvent e)
    {
        var properties = e.Properties ?? [];
        var bound = 1 + 1 + 8 + 2 + 16 + Varint.MaxBytes + Bound(e.Type) + Bound(e.Channel) + Bound(e.CampaignId) + Bound(e.DecisionId);
        foreach (var (key, value) in properties) bound += Bound(key) + Bound(value);
        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            var to = buffer.AsSpan();
            var fields = (e.Channel is null ? 0 : Fields.Channel) | (e.CampaignId is null ? 0 : Fields.CampaignId)
                | (e.DecisionId is null ? 0 : Fields.DecisionId) | (e.Value is null ? 0 : Fields.Value) | (e.UnknownType ? Fields.UnknownType : 0);
            to[0] = Format1;
            to[1] = (byte)fields;
            var at = 2 + Text.Write(to[2..], e.Type);
            BinaryPrimitives.WriteInt64LittleEndian(to[at..], e.Timestamp.Ticks);
            BinaryPrimitives.WriteInt16LittleEndian(to[(at + 8)..], (short)e.Timestamp.Offset.TotalMinutes);
            at += 10;
            if (e.Channel is { } channel) at += Text.Write(to[at..], channel);
            if (e.CampaignId is { } campaign) at += Text.Write(to[at..], campaign);
            if (e.DecisionId is { } decision) at += Text.Write(to[at..], decision);
            if (e.Value is { } amount)
            {
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(amount, bits);
                foreach (var part in bits)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(to[at..], part);
                    at += 4;
                }
            }
            at += Varint.Write(to[at..], properties.Count);
            foreach (var (key, value) in properties)
            {
                at += Text.Write(to[at..], key);
                at += Text.Write(to[at..], value);
            }
            return to[..at].ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The event of a row: its payload, with the customer and event ids from the row's own columns.</summary>
    /// <exception cref="InvalidDataException">A payload in no known format, or a binary one that is truncated or damaged.</exception>
    /// <exception cref="JsonException">A JSON payload (from before format 1) that does not read as an event.</exception>
    public static MarketingEvent Read(ReadOnlySpan<byte> payload, string customerId, string eventId) => payload switch
    {
        [Format1, ..] => ReadFormat1(new Cursor(payload[1..]), customerId, eventId),
        // An object (it starts with '{') never deserializes to null.
        [LegacyJson, ..] => JsonSerializer.Deserialize(payload, JournalJsonContext.Default.MarketingEvent)!,
        _ => throw new InvalidDataException("a journal row's event is in no known format"),
    };

    private static MarketingEvent ReadFormat1(Cursor from, string customerId, string eventId)
    {
        var fields = (Fields)from.Byte();
        // A flag format 1 does not define: a later format's row, or a damaged one.
        if ((fields & ~Fields.Known) != 0) throw Cursor.Damaged();
        var type = from.Text();
        var ticks = from.Int64();
        var offset = from.Int16();
        var channel = fields.HasFlag(Fields.Channel) ? from.Text() : null;
        var campaign = fields.HasFlag(Fields.CampaignId) ? from.Text() : null;
        var decision = fields.HasFlag(Fields.DecisionId) ? from.Text() : null;
        decimal? value = fields.HasFlag(Fields.Value) ? from.Decimal() : null;
        var count = from.Varint();
        // Each property takes at least two bytes: a damaged count must not size the dictionary.
        if (count > from.Remaining / 2) throw Cursor.Damaged();
        var properties = new Dictionary<string, string>(count);
        for (var i = 0; i < count; i++) properties[from.Text()] = from.Text();
        from.End();
        DateTimeOffset timestamp;
        try
        {
            timestamp = new DateTimeOffset(ticks, TimeSpan.FromMinutes(offset));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException("a journal row's event has an impossible timestamp", e);
        }
        return new MarketingEvent
        {
            EventId = eventId, CustomerId = customerId, Type = type, Channel = channel, Timestamp = timestamp, Properties = properties,
            CampaignId = campaign, DecisionId = decision, Value = value, UnknownType = fields.HasFlag(Fields.UnknownType),
        };
    }

    private static int Bound(string? text) => text is null ? 0 : Varint.MaxBytes + 3 * text.Length;

    private static class Varint
    {
        public const int MaxBytes = 5;

        public static int Write(Span<byte> to, int value)
        {
            var at = 0;
            var rest = (uint)value;
            for (; rest >= 0x80; rest >>= 7) to[at++] = (byte)(rest | 0x80);
            to[at++] = (byte)rest;
            return at;
        }
    }

    private static class Text
    {
        public static int Write(Span<byte> to, string text)
        {
            // Staged after room for the longest header, whose length is known only once the bytes are.
            var staged = Varint.MaxBytes;
            if (Utf8.FromUtf16(text, to[staged..], out _, out var length, replaceInvalidSequences: false) == OperationStatus.Done)
                return Place(to, length << 1, length);
            // Not valid Unicode: kept as UTF-16 code units rather than repaired.
            for (var i = 0; i < text.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(to[(staged + 2 * i)..], text[i]);
            return Place(to, (2 * text.Length << 1) | 1, 2 * text.Length);
        }

        /// <summary>Writes the header in front of the <paramref name="length"/> bytes staged after the largest header, then moves them up to it.</summary>
        private static int Place(Span<byte> to, int header, int length)
        {
            Span<byte> prefix = stackalloc byte[Varint.MaxBytes];
            var size = Varint.Write(prefix, header);
            to.Slice(Varint.MaxBytes, length).CopyTo(to[size..]);
            prefix[..size].CopyTo(to);
            return size + length;
        }
    }

    /// <summary>Reads format 1; every read checks the bytes are there, so a damaged row is refused rather than misread.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public readonly int Remaining => _rest.Length;

        public byte Byte() => Take(1)[0];

        public short Int16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public decimal Decimal()
        {
            Span<int> bits = stackalloc int[4];
            for (var i = 0; i < 4; i++) bits[i] = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            try
            {
                return new decimal(bits);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException("a journal row's event has an impossible value", e);
            }
        }

        public int Varint()
        {
            var value = 0u;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var next = Byte();
                value |= (uint)(next & 0x7F) << shift;
                if (next < 0x80) return value <= int.MaxValue ? (int)value : throw Damaged();
            }
            throw Damaged();
        }

        public string Text()
        {
            var header = Varint();
            var bytes = Take(header >> 1);
            if ((header & 1) == 0)
            {
                try
                {
                    return Strict.GetString(bytes);
                }
                catch (DecoderFallbackException e)
                {
                    throw new InvalidDataException("a journal row's event holds text that is not UTF-8", e);
                }
            }
            if (bytes.Length % 2 != 0) throw Damaged();
            var chars = new char[bytes.Length / 2];
            for (var i = 0; i < chars.Length; i++) chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
            return new string(chars);
        }

        public readonly void End()
        {
            if (!_rest.IsEmpty) throw new InvalidDataException("a journal row's event has bytes after its last field");
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _rest.Length) throw Damaged();
            var taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }

        public static InvalidDataException Damaged() => new("a journal row's event is truncated or damaged");
    }

    /// <summary>Invalid UTF-8 where the header promised UTF-8 is a damaged row, not text to repair.</summary>
    private static readonly UTF8Encoding Strict = new(false, true);
}

/// <summary>How new journal rows hold their event; every format is read whatever this says.</summary>
public enum JournalRowFormat
{
    /// <summary>Format 1 of <see cref="JournalPayload"/>: what this version writes.</summary>
    Binary,
    /// <summary>
    /// The JSON every version before 2026-12-07 wrote and reads (System.Text.Json, default settings, ids included): for a
    /// rolling upgrade from such a version, until its last silo is gone, since it cannot read a binary row.
    /// </summary>
    Json,
}

/// <summary>System.Text.Json's default settings through generated code: the JSON rows of <see cref="JournalRowFormat.Json"/>, byte for byte.</summary>
[JsonSerializable(typeof(MarketingEvent))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
