namespace MarketingActors.Core.Profiles;

/// <summary>
/// The one feature function. Online scoring and training rows both call <see cref="Compute"/>,
/// so a model is always served exactly the features it was trained on.
/// </summary>
public static class CustomerFeatures
{
    /// <summary>Where each feature sits in the vector: models and training rows depend on this order, so it only grows at the end.</summary>
    public static class Slot
    {
        public const int Engagement1h = 0;
        public const int Engagement24h = 1;
        public const int Engagement7d = 2;
        public const int Engagement30d = 3;
        public const int Intent24h = 4;
        public const int Intent7d = 5;
        public const int Conversions30d = 6;
        public const int Contacts7d = 7;
        public const int RecencyDays = 8;
        public const int Frequency = 9;
        public const int Monetary = 10;
        public const int Velocity = 11;
        public const int EmailAffinity = 12;
        public const int AdsAffinity = 13;
        public const int PushAffinity = 14;
        public const int TenureDays = 15;
    }

    public static readonly string[] Names =
    [
        "engagement_1h",
        "engagement_24h",
        "engagement_7d",
        "engagement_30d",
        "intent_24h",
        "intent_7d",
        "conversions_30d",
        "contacts_7d",
        "recency_days",
        "frequency",
        "monetary",
        "velocity",
        "email_affinity",
        "ads_affinity",
        "push_affinity",
        "tenure_days",
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
        f[Slot.Engagement1h] = LogCount(p.Engagement.ValueAt(0, at));
        f[Slot.Engagement24h] = LogCount(p.Engagement.ValueAt(1, at));
        f[Slot.Engagement7d] = LogCount(p.Engagement.ValueAt(2, at));
        f[Slot.Engagement30d] = LogCount(p.Engagement.ValueAt(3, at));
        f[Slot.Intent24h] = LogCount(p.Intent.ValueAt(1, at));
        f[Slot.Intent7d] = LogCount(p.Intent.ValueAt(2, at));
        f[Slot.Conversions30d] = LogCount(p.Conversions.ValueAt(3, at));
        f[Slot.Contacts7d] = LogCount(p.Contacts.ValueAt(2, at));
        f[Slot.RecencyDays] = (float)Days(p.LastEngagementAt, at);
        f[Slot.Frequency] = LogCount(p.EventCount);
        f[Slot.Monetary] = LogCount((double)p.MonetaryValue);
        f[Slot.Velocity] = (float)EngagementVelocity.Compute(p.Engagement, at);
        f[Slot.EmailAffinity] = (float)p.AffinityFor("email");
        f[Slot.AdsAffinity] = (float)p.AffinityFor("ads");
        f[Slot.PushAffinity] = (float)p.AffinityFor("push");
        f[Slot.TenureDays] = (float)Days(p.FirstSeen, at);
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
