namespace MarketingActors.Core.Profiles;

/// <summary>
/// The one feature function. Online scoring and training rows both call <see cref="Compute"/>,
/// so a model is always served exactly the features it was trained on.
/// </summary>
public static class CustomerFeatures
{
    public static readonly string[] Names =
    [
        "engagement_1h", "engagement_24h", "engagement_7d", "engagement_30d",
        "intent_24h", "intent_7d", "conversions_30d", "contacts_7d",
        "recency_days", "frequency", "monetary", "velocity",
        "email_affinity", "ads_affinity", "push_affinity", "tenure_days",
    ];

    public static int Count => Names.Length;

    /// <summary>Recency and tenure are capped so a dormant customer does not dominate the scale.</summary>
    public const double MaxDays = 365;

    public static float[] Compute(BehaviourProfile p, DateTimeOffset at)
    {
        var f = new float[Names.Length];
        Fill(p, at, f);
        return f;
    }

    public static void Fill(BehaviourProfile p, DateTimeOffset at, Span<float> f)
    {
        f[0] = LogCount(p.Engagement.ValueAt(0, at));
        f[1] = LogCount(p.Engagement.ValueAt(1, at));
        f[2] = LogCount(p.Engagement.ValueAt(2, at));
        f[3] = LogCount(p.Engagement.ValueAt(3, at));
        f[4] = LogCount(p.Intent.ValueAt(1, at));
        f[5] = LogCount(p.Intent.ValueAt(2, at));
        f[6] = LogCount(p.Conversions.ValueAt(3, at));
        f[7] = LogCount(p.Contacts.ValueAt(2, at));
        f[8] = (float)Days(p.LastEngagementAt, at);
        f[9] = LogCount(p.EventCount);
        f[10] = LogCount((double)p.MonetaryValue);
        f[11] = (float)EngagementVelocity.Compute(p.Engagement, at);
        f[12] = (float)p.AffinityFor("email");
        f[13] = (float)p.AffinityFor("ads");
        f[14] = (float)p.AffinityFor("push");
        f[15] = (float)Days(p.FirstSeen, at);
    }

    public static Dictionary<string, double> ToDictionary(ReadOnlySpan<float> features)
    {
        var named = new Dictionary<string, double>(Names.Length);
        for (var i = 0; i < Names.Length; i++) named[Names[i]] = Math.Round(features[i], 6);
        return named;
    }

    public static int IndexOf(string name) => Array.IndexOf(Names, name);

    private static float LogCount(double count) => (float)Math.Log(1 + Math.Max(0, count));

    private static double Days(DateTimeOffset? since, DateTimeOffset at) =>
        since is null ? MaxDays : Math.Clamp((at - since.Value).TotalDays, 0, MaxDays);
}
