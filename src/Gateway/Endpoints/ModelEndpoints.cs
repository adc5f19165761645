using MarketingActors.Learning;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>What data scientists and SREs use: model versions and their metrics, the champion, training on demand, rollback, live monitoring.</summary>
public static class ModelEndpoints
{
    public const int MaxVersionLength = 128;
    public const string ActorHeader = "X-Actor";

    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/models").WithTags("Models");

        group.MapGet("/", async (IGrainFactory grains) =>
        {
            var retraining = grains.GetGrain<IRetrainingGrain>(0);
            return Results.Ok(new ModelList((await retraining.GetChampion()).Version, await retraining.ListVersions()));
        }).WithName("ListModels").WithSummary("Every trained version with its holdout metrics, training window and schema hash.").Produces<ModelList>();

        group.MapGet("/champion", async (IGrainFactory grains) =>
        {
            var retraining = grains.GetGrain<IRetrainingGrain>(0);
            var champion = (await retraining.GetChampion()).Version;
            var info = (await retraining.ListVersions()).FirstOrDefault(v => v.Version == champion);
            return Results.Ok(new ChampionView(champion, info));
        }).WithName("GetChampion").WithSummary("The version every silo serves; the built-in prior has no metrics.").Produces<ChampionView>();

        group.MapPost("/train", async (HttpRequest request, IGrainFactory grains) =>
        {
            var outcome = await grains.GetGrain<IRetrainingGrain>(0).TrainNow(ActorOf(request));
            return outcome.Result is TrainingResults.Promoted or TrainingResults.KeptChampion
                ? Results.Ok(outcome)
                : Problems.Of(409, outcome.Result, outcome.Detail);
        }).WithName("TrainModel").WithSummary("Trains a challenger on the buffered outcomes now; promotes it only if it beats the champion.")
            .Produces<TrainingOutcome>().ProducesProblem(409);

        group.MapPost("/{version}/rollback", async (string version, string? reason, HttpRequest request, IGrainFactory grains) =>
        {
            if (version.Length > MaxVersionLength) return NotFound(version);
            var result = await grains.GetGrain<IRetrainingGrain>(0).Rollback(version, ActorOf(request), reason);
            if (result.Succeeded) return Results.Ok(result);
            return result.ErrorReason == LearningReasons.ModelNotFound ? NotFound(version) : Problems.Of(409, result.ErrorReason!, result.Detail);
        }).WithName("RollbackModel").WithSummary("Makes an earlier version (or the prior) the champion on every silo; audited with the X-Actor header.")
            .Produces<ModelCommandResult>().ProducesProblem(404).ProducesProblem(409);

        group.MapGet("/history", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<IRetrainingGrain>(0).History()))
            .WithName("ModelHistory").WithSummary("Every promotion and rollback: who, when, from, to, why.").Produces<PromotionRecord[]>();

        group.MapGet("/monitoring", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<IRetrainingGrain>(0).Monitoring()))
            .WithName("ModelMonitoring").WithSummary("Live AUC on labelled outcomes and score drift (PSI) per version, buffered rows.").Produces<ModelMonitoring>();
    }

    public sealed record ModelList(string Champion, ModelVersionInfo[] Versions);

    public sealed record ChampionView(string Version, ModelVersionInfo? Info);

    private static string ActorOf(HttpRequest request) =>
        request.Headers[ActorHeader].ToString() is { Length: > 0 and <= 256 } actor ? actor : "api";

    private static IResult NotFound(string version) =>
        Problems.Of(404, LearningReasons.ModelNotFound, $"no model version '{(version.Length > MaxVersionLength ? version[..MaxVersionLength] + "…" : version)}'");
}
