using System.Net;
using MarketingActors.Learning;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class ModelApiSpec(EmbeddedEngine engine)
{
    [Fact]
    public async Task Lists_the_prior_as_champion_and_reports_monitoring_before_anything_is_trained()
    {
        var models = await engine.Json(await engine.Http.GetAsync("/v1/models"));
        var champion = await engine.Json(await engine.Http.GetAsync("/v1/models/champion"));
        var monitoring = await engine.Http.GetAsync("/v1/models/monitoring");

        Assert.Equal("prior-logistic-v1", models.GetProperty("champion").GetString());
        Assert.Equal("prior-logistic-v1", champion.GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.OK, monitoring.StatusCode);
        Assert.Equal("prior-logistic-v1", (await engine.Json(monitoring)).GetProperty("champion").GetString());
    }

    [Fact]
    public async Task Refuses_to_train_without_enough_outcomes_with_a_reason_and_keeps_the_champion()
    {
        var response = await engine.Http.PostAsync("/v1/models/train", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(LearningReasons.TooFewRows, (await engine.Json(response)).GetProperty("reason").GetString());
        Assert.Equal("prior-logistic-v1", (await engine.Json(await engine.Http.GetAsync("/v1/models"))).GetProperty("champion").GetString());
    }

    [Fact]
    public async Task Rollback_to_an_unknown_version_is_404_and_to_the_champion_is_409()
    {
        var unknown = await engine.Http.PostAsync("/v1/models/fasttree-v404/rollback", null);
        var current = await engine.Http.PostAsync("/v1/models/prior-logistic-v1/rollback", null);
        var tooLong = await engine.Http.PostAsync($"/v1/models/{new string('v', 500)}/rollback", null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(LearningReasons.ModelNotFound, (await engine.Json(unknown)).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, current.StatusCode);
        Assert.Equal(LearningReasons.AlreadyChampion, (await engine.Json(current)).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, tooLong.StatusCode);
        Assert.Empty((await engine.Json(await engine.Http.GetAsync("/v1/models/history"))).EnumerateArray());
    }
}
