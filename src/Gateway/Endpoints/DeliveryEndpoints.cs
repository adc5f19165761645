using System.Net;
using MarketingActors.Campaigns;
using MarketingActors.Customers;
using MarketingActors.Delivery;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>Which customer an action is previewed for.</summary>
public sealed record ActionPreviewRequest(string CampaignId, string ActionId, string CustomerId);

/// <summary>Connectors (admins), deliveries and dead letters (auditors, by campaign scope), previews, and the public one-click unsubscribe.</summary>
public static class DeliveryEndpoints
{
    public const int MaxDeadLetterPage = 500;
    public const int MaxIdLength = 128;
    public const string MaskedAddress = "(masked)";

    public static void MapDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        var connectors = app.MapGroup("/v1/connectors").WithTags("Delivery").RequireAccess(Operations.ManageConnectors);
        connectors.MapGet("/", ListConnectors).WithName("ListConnectors").WithSummary("Every channel's connector, secrets never shown (only whether they are set).").Produces<ConnectorView[]>();
        connectors.MapGet("/{channel}", GetConnector).WithName("GetConnector").WithSummary("One channel's connector, without its secrets.").Produces<ConnectorView>().ProducesProblem(404);
        connectors.MapPut("/{channel}", PutConnector).WithName("PutConnector")
            .WithSummary("Sets a channel's connector: {\"type\":\"webhook\",\"url\",\"secret\"} or {\"type\":\"smtp\",\"host\",\"port\",\"username\",\"password\",\"from\"}. Secrets are write-only; a write without one keeps the stored one. Audited.")
            .Accepts<ConnectorSettings>("application/json").Produces<ConnectorView>().ProducesProblem(400).ProducesProblem(422);
        connectors.MapDelete("/{channel}", RemoveConnector).WithName("RemoveConnector")
            .WithSummary("Removes a channel's connector: its decisions are the caller's to deliver again (deliveredBy: caller). Audited.").Produces<ConnectorView>().ProducesProblem(404);

        var deliveries = app.MapGroup("/v1/deliveries").WithTags("Delivery");
        deliveries.MapGet("/", FindDelivery).WithName("GetDelivery").RequireAccess(Operations.ReadAudit)
            .WithSummary("A decision's delivery: status, the rendered message and every attempt with its status code and timing. The address is masked unless the key manages customer data.")
            .Produces<DeliveryView>().ProducesProblem(400).ProducesProblem(404);
        deliveries.MapGet("/dead-letters", DeadLetters).WithName("ListDeadLetters").RequireAccess(Operations.ReadAudit, CampaignFrom.Query)
            .WithSummary("Deliveries the engine gave up on (dead-lettered, or blocked by guardrails when due), most recent first, with the reason.")
            .Produces<DeliveryView[]>().ProducesProblem(400);
        deliveries.MapPost("/{id}/retry", RetryDelivery).WithName("RetryDelivery").RequireAccess(Operations.UpdateCampaign)
            .WithSummary("Queues a dead letter or blocked delivery again: attempts start over and consent, caps, the kill switch and the campaign's status are checked again before it goes out. Audited.")
            .Produces<DeliveryView>().ProducesProblem(404).ProducesProblem(409);

        app.MapPost("/v1/actions/preview", PreviewAction).WithTags("Delivery").WithName("PreviewAction").RequireAccess(Operations.UpdateCampaign)
            .WithSummary("Renders a campaign action's content for one customer as a decision now would, sending nothing.")
            .Accepts<ActionPreviewRequest>("application/json").Produces<RenderedMessage>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);

        var unsubscribe = app.MapGroup("/v1/unsubscribe").WithTags("Delivery").AllowPublic();
        unsubscribe.MapGet("/{token}", ConfirmUnsubscribe).WithName("ConfirmUnsubscribe").ExcludeFromDescription();
        unsubscribe.MapPost("/{token}", Unsubscribe).WithName("Unsubscribe")
            .WithSummary("RFC 8058 one-click unsubscribe (the List-Unsubscribe link of every email the engine sends): withdraws the customer's consent on the channel; audited.")
            .Produces(200, contentType: "text/html").ProducesProblem(404);
    }

    private static IDeliveryDeskGrain Desk(IGrainFactory grains) => grains.GetGrain<IDeliveryDeskGrain>(0);

    private static async Task<IResult> ListConnectors(IGrainFactory grains) => Results.Ok(await grains.GetGrain<IConnectorRegistryGrain>(0).List());

    private static async Task<IResult> GetConnector(string channel, IGrainFactory grains) =>
        await grains.GetGrain<IConnectorRegistryGrain>(0).Get(channel) is { } view ? Results.Ok(view) : NoConnector(channel);

    private static async Task<IResult> PutConnector(string channel, HttpContext context, IGrainFactory grains)
    {
        var (settings, error) = await JsonBody.Read<ConnectorSettings>(context.Request, 64 * 1024);
        if (error is not null) return error;
        var result = await grains.GetGrain<IConnectorRegistryGrain>(0).Put(context.Principal(), channel, settings!);
        return result.Succeeded ? Results.Ok(result.Value) : Problems.Of(422, result.ErrorReason!, string.Join("; ", result.Errors), result.Errors);
    }

    private static async Task<IResult> RemoveConnector(string channel, HttpContext context, IGrainFactory grains)
    {
        var result = await grains.GetGrain<IConnectorRegistryGrain>(0).Remove(context.Principal(), channel);
        return result.Succeeded ? Results.Ok(result.Value) : NoConnector(channel);
    }

    private static async Task<IResult> FindDelivery(string? decisionId, HttpContext context, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(decisionId) || decisionId.Length > MaxIdLength) return Problems.Of(400, "missing_decision_id", "pass ?decisionId=<the decision's id>");
        var view = await Desk(grains).Find(decisionId);
        // Out of scope reads the same as absent: a restricted key learns nothing about other campaigns.
        return view is not null && context.AccessScope().Covers(view.Order.CampaignId) ? Results.Ok(Masked(view, context)) : NoDelivery(decisionId);
    }

    private static async Task<IResult> DeadLetters(string? campaignId, int? limit, HttpContext context, IGrainFactory grains)
    {
        if (limit is < 1 or > MaxDeadLetterPage) return Problems.Of(400, "invalid_limit", $"limit: 1 to {MaxDeadLetterPage}");
        var scope = context.AccessScope();
        var all = await Desk(grains).DeadLetters(campaignId, limit ?? 100);
        return Results.Ok(all.Where(v => scope.Covers(v.Order.CampaignId)).Select(v => Masked(v, context)).ToArray());
    }

    private static async Task<IResult> RetryDelivery(string id, HttpContext context, IGrainFactory grains)
    {
        if (id.Length > MaxIdLength || await Desk(grains).Find(id) is not { } view || !context.AccessScope().Covers(view.Order.CampaignId)) return NoDelivery(id);
        return await Desk(grains).Retry(context.Principal(), id) is { } retried
            ? Results.Ok(Masked(retried, context))
            : Problems.Of(409, "delivery_not_retryable", $"delivery '{id}' is {view.Status}: only dead-lettered or blocked deliveries are retried");
    }

    private static async Task<IResult> PreviewAction(HttpContext context, IGrainFactory grains)
    {
        var (request, error) = await JsonBody.Read<ActionPreviewRequest>(context.Request, 16 * 1024);
        if (error is not null) return error;
        if (!RequestText.IsValidId(request!.CustomerId, MaxIdLength)) return Problems.Of(400, "invalid_customer_id", $"customerId: {RequestText.IdRule(MaxIdLength)}");
        if (!CampaignIds.IsValid(request.CampaignId) || !context.AccessScope().Covers(request.CampaignId) || await grains.GetGrain<ICampaignGrain>(request.CampaignId).Get() is not { } campaign)
            return Problems.Of(404, "campaign_not_found", $"no campaign '{request.CampaignId}'");
        if (campaign.Actions.All(a => a.Id != request.ActionId)) return Problems.Of(404, "action_not_found", $"campaign '{campaign.Id}' has no action '{request.ActionId}'");
        try
        {
            return Results.Ok(await grains.GetGrain<ICustomerGrain>(request.CustomerId).Preview(campaign, request.ActionId));
        }
        catch (InvalidOperationException e)
        {
            return Problems.Of(422, "render_failed", e.Message);
        }
    }

    private static IResult ConfirmUnsubscribe(string token) => Results.Content(
        $"""
        <!doctype html><html><head><meta charset="utf-8"><title>Unsubscribe</title></head><body>
        <form method="post" action="/v1/unsubscribe/{WebUtility.HtmlEncode(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
        <p>Stop receiving these messages?</p><button type="submit">Unsubscribe</button></form></body></html>
        """, "text/html");

    private static async Task<IResult> Unsubscribe(string token, IGrainFactory grains) =>
        await Desk(grains).Unsubscribe(token) is { } receipt
            ? Results.Content($"<!doctype html><html><body><p>You are unsubscribed from {WebUtility.HtmlEncode(receipt.Channel)} messages.</p></body></html>", "text/html")
            : Problems.Of(404, "invalid_unsubscribe_link", "this unsubscribe link is not one the engine issued");

    /// <summary>Who a message went to is customer data: shown only to keys that manage customer data.</summary>
    private static DeliveryView Masked(DeliveryView view, HttpContext context) =>
        view.Order.Address is null || Operations.RoleAllows(context.Principal().Role, Operations.ManageCustomerData)
            ? view : view with { Order = view.Order with { Address = MaskedAddress } };

    private static IResult NoConnector(string channel) => Problems.Of(404, "connector_not_found", $"no connector for channel '{channel}'");

    private static IResult NoDelivery(string id) => Problems.Of(404, "delivery_not_found", $"no delivery for decision '{id}'");
}
