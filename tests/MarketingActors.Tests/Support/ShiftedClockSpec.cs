using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Support;

/// <summary>Specs run the engine on a clock hours ahead: Orleans must go on judging the engine's own silo by the machine's clock.</summary>
[Collection(OwnEngineCollection.Name)]
public sealed class ShiftedClockSpec
{
    [Fact]
    public async Task An_engine_hours_ahead_keeps_its_silo_through_a_slow_join()
    {
        var clock = new ShiftedClock(TimeSpan.FromHours(6));
        var fatalErrors = new RecordedFatalErrors();
        var engine = new EmbeddedEngine([], builder =>
        {
            clock.Drive(builder.Services);
            // Recorded rather than ending the test process, so a regression fails this spec alone.
            builder.Services.AddSingleton<IFatalErrorHandler>(fatalErrors);
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SlowJoin>();
        });
        try
        {
            await engine.InitializeAsync();

            var services = engine.App.Services;
            Assert.Empty(fatalErrors.Contexts);
            var self = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            Assert.Equal(SiloStatus.Active, services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(self));
            Assert.True(services.GetRequiredService<TimeProvider>().GetUtcNow() > DateTimeOffset.UtcNow.AddHours(5), "the engine reads the shifted clock");
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    /// <summary>Holds the silo in Joining after membership has started judging silos, as a loaded machine can.</summary>
    private sealed class SlowJoin : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SlowJoin), ServiceLifecycleStage.ValidateInitialConnectivity + 1, _ => Task.Delay(TimeSpan.FromSeconds(2)));
    }

    private sealed class RecordedFatalErrors : IFatalErrorHandler
    {
        private readonly List<string> _contexts = [];

        public IReadOnlyList<string> Contexts
        {
            get { lock (_contexts) return [.. _contexts]; }
        }

        public bool IsUnexpected(Exception exception) => exception is not OperationCanceledException;

        public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
        {
            lock (_contexts) _contexts.Add(context ?? exception?.Message ?? "fatal");
        }
    }
}
