using System.Diagnostics;

namespace MarketingActors.Replay;

public sealed record InsightTiming(TimeSpan ToCampaign, TimeSpan ToDecision);

/// <summary>
/// Time from insight to execution: outcome events posted → the campaign grain's posterior holds
/// them → a new decision is ranked with them. A two-variant placement starts without evidence;
/// variant b then gets 30 delivered-and-converted outcomes and a 30 delivered-without-conversion.
/// Timing starts when the last outcome is acknowledged; "to campaign" ends when the campaign state
/// shows the conversions, "to decision" when a fresh customer's decision samples b's lift ≥ 1.4
/// and a's ≤ 0.6 (under the no-evidence prior both stay in 0.5–1.5 with probability ≈ 0.99).
/// </summary>
public static class InsightLatency
{
    public static async Task<InsightTiming> Measure(Engine engine)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var campaign = $"insight-{tag}";
        var placement = $"insight_{tag}";
        await engine.CreateActiveCampaign($$$"""
            {"id":"{{{campaign}}}","name":"Insight latency {{{tag}}}","actions":[
              {"id":"a","channel":"web","variant":"a","placement":"{{{placement}}}","cost":0},
              {"id":"b","channel":"web","variant":"b","placement":"{{{placement}}}","cost":0}],
             "journey":{"entryTrigger":"page_view","steps":[{"id":"show","kind":"action","actionIds":["a"]}]},
             "budget":{"total":0,"currency":"USD"}}
            """, campaign);

        var outcomes = new List<string>();
        int converted = 0, failed = 0, customer = 0;
        while (converted < 30 || failed < 30)
        {
            var c = $"insight-{tag}-{customer++}";
            var d = await engine.Send(HttpMethod.Get, $"/v1/customers/{c}/next-best-action?placement={placement}");
            var action = d.GetProperty("action").GetProperty("actionId").GetString();
            var id = d.GetProperty("decisionId").GetString();
            if (action == "b" && converted < 30)
            {
                converted++;
                outcomes.Add($$"""{"eventId":"{{c}}-dl","customerId":"{{c}}","type":"action_delivered","decisionId":"{{id}}"}""");
                outcomes.Add($$"""{"eventId":"{{c}}-buy","customerId":"{{c}}","type":"purchase","decisionId":"{{id}}","value":10}""");
            }
            else if (action == "a" && failed < 30)
            {
                failed++;
                outcomes.Add($$"""{"eventId":"{{c}}-dl","customerId":"{{c}}","type":"action_delivered","decisionId":"{{id}}"}""");
            }
        }
        await engine.PostEvents(outcomes);
        var clock = Stopwatch.StartNew();

        TimeSpan? toCampaign = null, toDecision = null;
        while ((toCampaign is null || toDecision is null) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (toCampaign is null)
            {
                var state = await engine.Send(HttpMethod.Get, $"/v1/campaigns/{campaign}/state");
                if (state.GetProperty("conversions").GetInt64() >= 30) toCampaign = clock.Elapsed;
            }
            if (toDecision is null)
            {
                var d = await engine.Send(HttpMethod.Get, $"/v1/customers/insight-{tag}-probe-{Guid.NewGuid():N}/next-best-action?placement={placement}&explain=true");
                var lifts = d.GetProperty("candidates").EnumerateArray().ToDictionary(
                    v => v.GetProperty("actionId").GetString()!, v => v.GetProperty("sampledVariantLift").GetDouble());
                if (lifts["b"] >= 1.4 && lifts["a"] <= 0.6) toDecision = clock.Elapsed;
            }
        }
        return new InsightTiming(toCampaign ?? TimeSpan.MaxValue, toDecision ?? TimeSpan.MaxValue);
    }
}
