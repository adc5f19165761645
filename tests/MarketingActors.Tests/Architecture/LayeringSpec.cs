using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using MarketingActors.Campaigns;
using MarketingActors.Core.Customers;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace MarketingActors.Tests.Architecture;

/// <summary>
/// The folders' promise, enforced: the core (src/Grains/Core) is pure domain code a newcomer reads
/// without meeting Orleans' runtime, PostgreSQL or ASP.NET; its folders do not depend on each
/// other in circles; grains reach storage only through Orleans' persistence and the engine's ports.
/// </summary>
public class LayeringSpec
{
    private static readonly ArchUnitNET.Domain.Architecture Engine = new ArchLoader().LoadAssemblies(
        typeof(CustomerTurn).Assembly,
        typeof(ICampaignGrain).Assembly,
        typeof(MarketingActors.Gateway.GatewayProgram).Assembly,
        typeof(Grain).Assembly,
        typeof(IGrainFactory).Assembly,
        typeof(Npgsql.NpgsqlConnection).Assembly,
        typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly).Build();

    private static readonly IObjectProvider<IType> TheCore = Types().That().ResideInNamespaceMatching(@"MarketingActors\.Core(\..+)?").As("the core");

    /// <summary>What the core may not use: the actor runtime, databases, HTTP, and the engine's own outer layers.</summary>
    private static readonly IObjectProvider<IType> Infrastructure = Types().That()
        .ResideInNamespaceMatching(@"Npgsql(\..+)?")
        .Or().ResideInNamespaceMatching(@"Microsoft\.AspNetCore(\..+)?")
        .Or().ResideInNamespaceMatching(@"System\.Net\.Http(\..+)?")
        .Or().ResideInNamespaceMatching(@"Orleans\.(Runtime|Hosting|Storage|Streams|Timers)(\..+)?")
        .Or().AreAssignableTo(typeof(Grain))
        .Or().AreAssignableTo(typeof(IGrain))
        .Or().AreAssignableTo(typeof(IGrainFactory))
        .Or().ResideInNamespaceMatching(@"MarketingActors\.(Services|Storage|Hosting|Gateway|Telemetry)(\..+)?")
        .As("Orleans' runtime, grains, Npgsql, ASP.NET, HTTP or the engine's services, storage and hosting");

    private static IArchRule NoInfrastructureIn(IObjectProvider<IType> layer) => Types().That().Are(layer).Should().NotDependOnAny(Infrastructure);

    [Fact]
    public void The_core_uses_no_runtime_database_or_http_types() => NoInfrastructureIn(TheCore).Check(Engine);

    [Fact]
    public void The_rule_would_catch_infrastructure_in_the_core_applied_to_the_per_silo_services_it_finds_them()
    {
        // The services call grains and Npgsql-backed storage by design: the same rule must flag them, or it flags nothing.
        var services = Types().That().ResideInNamespaceMatching(@"MarketingActors\.Services(\..+)?").As("the per-silo services");

        Assert.False(NoInfrastructureIn(services).HasNoViolations(Engine));
    }

    [Fact]
    public void The_core_folders_depend_on_each_other_without_cycles() =>
        ArchUnitNET.Fluent.Slices.SliceRuleDefinition.Slices().Matching("MarketingActors.Core.(*)").Should().BeFreeOfCycles().Check(Engine);

    [Fact]
    public void Grains_reach_the_database_only_through_storage_providers_and_ports() =>
        Classes().That().AreAssignableTo(typeof(Grain)).Should()
            .NotDependOnAny(Types().That().ResideInNamespaceMatching(@"Npgsql(\..+)?").Or().ResideInNamespaceMatching(@"MarketingActors\.Storage\.Postgres(\..+)?"))
            .Check(Engine);

    [Fact]
    public void Grains_and_their_services_do_not_reference_the_gateway() =>
        Types().That().ResideInAssembly(typeof(CustomerTurn).Assembly).Should()
            .NotDependOnAny(Types().That().ResideInNamespaceMatching(@"MarketingActors\.Gateway(\..+)?"))
            .Check(Engine);
}
