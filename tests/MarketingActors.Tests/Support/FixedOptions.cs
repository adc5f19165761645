using Microsoft.Extensions.Options;

namespace MarketingActors.Tests.Support;

/// <summary>Options that never change, for the classes that read them through a monitor.</summary>
public sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
