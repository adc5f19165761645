namespace MarketingActors.Delivery;

public static class ConnectorTypes
{
    /// <summary>A signed HTTP POST per delivery (Standard Webhooks); any channel, sent to the customer's own service.</summary>
    public const string Webhook = "webhook";
    /// <summary>Email through an SMTP relay, with RFC 8058 one-click unsubscribe headers.</summary>
    public const string Smtp = "smtp";
}

/// <summary>
/// A channel's connector as an operator writes it. Secrets (the webhook secret, the SMTP password)
/// are write-only: they are kept, used and never shown; a write without one keeps the stored one.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.connector-settings")]
public sealed record ConnectorSettings
{
    [Id(0)] public string Type { get; init; } = "";
    [Id(1)] public string? Url { get; init; }
    /// <summary>Standard Webhooks secret: "whsec_" + base64 of 24–64 random bytes.</summary>
    [Id(2)] public string? Secret { get; init; }
    [Id(3)] public string? Host { get; init; }
    [Id(4)] public int Port { get; init; } = 587;
    [Id(5)] public string? Username { get; init; }
    [Id(6)] public string? Password { get; init; }
    [Id(7)] public string? From { get; init; }
    /// <summary>"none", "starttls" or "tls" (implicit, port 465).</summary>
    [Id(8)] public string Security { get; init; } = "starttls";
    /// <summary>Most sends per second through this connector, across a silo.</summary>
    [Id(9)] public int RatePerSecond { get; init; } = 100;
    [Id(10)] public int TimeoutSeconds { get; init; } = 10;
    /// <summary>Attempts before a delivery is dead-lettered.</summary>
    [Id(11)] public int MaxAttempts { get; init; } = 6;
}

/// <summary>A connector as the API and the audit show it: everything but the secrets, which are only said to be set.</summary>
[GenerateSerializer, Immutable, Alias("ma.connector-view")]
public sealed record ConnectorView
{
    [Id(0)] public required string Channel { get; init; }
    [Id(1)] public required string Type { get; init; }
    [Id(2)] public string? Url { get; init; }
    [Id(3)] public bool SecretSet { get; init; }
    [Id(4)] public string? Host { get; init; }
    [Id(5)] public int Port { get; init; }
    [Id(6)] public string? Username { get; init; }
    [Id(7)] public bool PasswordSet { get; init; }
    [Id(8)] public string? From { get; init; }
    [Id(9)] public string Security { get; init; } = "";
    [Id(10)] public int RatePerSecond { get; init; }
    [Id(11)] public int TimeoutSeconds { get; init; }
    [Id(12)] public int MaxAttempts { get; init; }
    [Id(13)] public long Version { get; init; }
    [Id(14)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(15)] public string? UpdatedBy { get; init; }

    public static ConnectorView Of(string channel, ConnectorSettings s, long version, DateTimeOffset at, string? by) => new()
    {
        Channel = channel, Type = s.Type, Url = s.Url, SecretSet = !string.IsNullOrEmpty(s.Secret), Host = s.Host, Port = s.Port,
        Username = s.Username, PasswordSet = !string.IsNullOrEmpty(s.Password), From = s.From, Security = s.Security,
        RatePerSecond = s.RatePerSecond, TimeoutSeconds = s.TimeoutSeconds, MaxAttempts = s.MaxAttempts, Version = version, UpdatedAt = at, UpdatedBy = by,
    };
}

/// <summary>Every channel's connector with its secrets, for the silos that send; never leaves the cluster.</summary>
[GenerateSerializer, Immutable, Alias("ma.connector-set")]
public sealed record ConnectorSet
{
    [Id(0)] public long Version { get; init; } = -1;
    [Id(1)] public Dictionary<string, ConnectorSettings> Channels { get; init; } = new();
    /// <summary>The key one-click unsubscribe links are signed with: made once per cluster, never shown.</summary>
    [Id(2)] public byte[] LinkKey { get; init; } = [];
}

[Alias("ma.connector-registry")]
public interface IConnectorRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Validates, stores and audits a channel's connector; refused with a reason otherwise.</summary>
    Task<Governance.AccessResult<ConnectorView>> Put(Governance.Principal actor, string channel, ConnectorSettings settings);

    /// <summary>Removes a channel's connector (audited): its decisions are the caller's to deliver again; deliveries already owed fail as connector_missing.</summary>
    Task<Governance.AccessResult<ConnectorView>> Remove(Governance.Principal actor, string channel);

    Task<ConnectorView?> Get(string channel);

    Task<ConnectorView[]> List();

    Task<ConnectorSet> GetSet();

    Task Subscribe(IConnectorObserver observer);
}

[Alias("ma.connector-observer")]
public interface IConnectorObserver : IGrainObserver
{
    Task OnConnectorsChanged(ConnectorSet set);
}
