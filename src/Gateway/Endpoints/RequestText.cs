namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// What text the gateway lets in. PostgreSQL refuses U+0000 in text columns and .NET strings can
/// hold unpaired surrogates that UTF-8 cannot encode: both are refused at the edge with a reason,
/// before a grain or a database sees them, instead of surfacing later as a storage failure.
/// </summary>
public static class RequestText
{
    public const string InvalidText = "invalid_text";

    /// <summary>Text in any field: well-formed UTF-16 (no unpaired surrogate) and no U+0000.</summary>
    public static bool IsValidText(string text) => text.AsSpan().IndexOf('\0') < 0 && IsWellFormed(text);

    /// <summary>An identifier (customer, event, principal, query filter): 1..max characters, printable, not blank.</summary>
    public static bool IsValidId(string? id, int maxLength) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= maxLength && IsPrintable(id);

    /// <summary>No control character (C0, DEL, C1) and no unpaired surrogate.</summary>
    public static bool IsPrintable(string text)
    {
        foreach (var ch in text)
        {
            if (char.IsControl(ch)) return false;
        }
        return IsWellFormed(text);
    }

    public static string IdRule(int maxLength) => $"1-{maxLength} characters, no control characters";

    private static bool IsWellFormed(string text)
    {
        var at = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (at < 0) return true;
        for (var i = at; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (!char.IsHighSurrogate(text[i]) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
            i++;
        }
        return true;
    }
}
