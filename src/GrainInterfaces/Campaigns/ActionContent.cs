using System.Text.Json;
using System.Text.Json.Serialization;

namespace MarketingActors.Campaigns;

/// <summary>
/// What an action says, as Liquid templates over the customer's traits and features and the
/// decision: for email a subject and a text and/or HTML body, for push a title, body and deep
/// link, for SMS a text, for a webhook any JSON payload (each string in it is a template). One
/// copy per action, and actions are per locale, so a localized variant carries its own copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.action-content")]
public sealed record ActionContent
{
    [Id(0)] public string? Subject { get; init; }
    [Id(1)] public string? Text { get; init; }
    [Id(2)] public string? Html { get; init; }
    [Id(3)] public string? Title { get; init; }
    [Id(4)] public string? Body { get; init; }
    [Id(5)] public string? DeepLink { get; init; }
    /// <summary>A JSON value kept as its text; in the API it is plain JSON, not a string holding JSON.</summary>
    [Id(6), JsonConverter(typeof(RawJsonText))] public string? Payload { get; init; }
}

/// <summary>Reads any JSON value into its text and writes the text back as JSON, so a payload round-trips unchanged.</summary>
public sealed class RawJsonText : JsonConverter<string?>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteRawValue(value, skipInputValidation: false);
    }
}
