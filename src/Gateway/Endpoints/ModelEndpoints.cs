using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;
using MarketingActors.Learning;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>What data scientists and SREs use: model versions and their metrics, the champion, training on demand, rollback, live monitoring.</summary>
public static class ModelEndpoints
{
    public const int MaxVersionLength = 128;

    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/models").WithTags("Models").RequireAccess(Operations.ReadPerformance);

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

        group.MapPost("/train", async (HttpContext context, IGrainFactory grains) =>
        {
            var outcome = await grains.GetGrain<IRetrainingGrain>(0).TrainNow(context.Principal().Id);
            return outcome.Result is TrainingResults.Promoted or TrainingResults.KeptChampion
                ? Results.Ok(outcome)
                : Problems.Of(409, outcome.Result, outcome.Detail);
        }).WithName("TrainModel").WithSummary("Trains a challenger on the buffered outcomes now; promotes it only if it beats the champion.")
            .Produces<TrainingOutcome>().ProducesProblem(409).RequireAccess(Operations.ManageModels);

        group.MapPost("/{version}/rollback", async (string version, string? reason, HttpContext context, IGrainFactory grains) =>
        {
            if (version.Length > MaxVersionLength) return NotFound(version);
            var result = await grains.GetGrain<IRetrainingGrain>(0).Rollback(version, context.Principal().Id, reason);
            if (result.Succeeded) return Results.Ok(result);
            return result.ErrorReason == LearningReasons.ModelNotFound ? NotFound(version) : Problems.Of(409, result.ErrorReason!, result.Detail);
        }).WithName("RollbackModel").WithSummary("Makes an earlier version (or the prior) the champion on every silo; audited with the caller's principal.")
            .Produces<ModelCommandResult>().ProducesProblem(404).ProducesProblem(409).RequireAccess(Operations.ManageModels);

        group.MapGet("/history", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<IRetrainingGrain>(0).History()))
            .WithName("ModelHistory").WithSummary("Every promotion and rollback: who, when, from, to, why.").Produces<PromotionRecord[]>();

        group.MapGet("/monitoring", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<IRetrainingGrain>(0).Monitoring()))
            .WithName("ModelMonitoring").WithSummary("Live AUC on labelled outcomes and score drift (PSI) per version, buffered rows.").Produces<ModelMonitoring>();
    }

    public sealed record ModelList(string Champion, ModelVersionInfo[] Versions);

    public sealed record ChampionView(string Version, ModelVersionInfo? Info);

    private static IResult NotFound(string version) =>
        Problems.Of(404, LearningReasons.ModelNotFound, $"no model version '{(version.Length > MaxVersionLength ? version[..MaxVersionLength] + "…" : version)}'");
}
