using Microsoft.Extensions.Logging;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Silo;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class EmbeddedHostSpec(EmbeddedEngine engine)
{
    [Fact]
    public void Says_loudly_at_start_up_that_data_is_not_durable()
    {
        Assert.Contains(engine.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("NOT durable"));
    }
}
