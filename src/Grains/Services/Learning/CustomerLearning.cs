using MarketingActors.Core.Customers;
using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Learning;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Learning;

/// <summary>
/// What a customer grain does for the learning loop on each scored event: label and expire its
/// open snapshots, take a new one (the same feature vector it just scored with), hand finished
/// rows to the silo's outbox, and fire "looks like past high-value customers" on the crossing.
/// </summary>
public sealed class CustomerLearning(ModelCache models, TrainingRowOutbox outbox, IOptions<LearningOptions> options) : ILearningLoop
{
    private readonly LearningOptions _options = options.Value;
    private readonly LabelSettings _labels = options.Value.Labels;

    public IReadOnlyList<string> Observe(string customerId, OpenSnapshots open, TriggerState triggers, ScoredCustomer customer, bool conversion, double value)
    {
        var rows = new List<TrainingRow>();
        if (conversion) OutcomeLabeller.Convert(open, customer.At, value, _labels, customerId, rows);
        else OutcomeLabeller.Expire(open, customer.At, _labels, customerId, rows);
        OutcomeLabeller.Snapshot(open, customer.Features, customer.Likelihood, customer.ModelVersion, customer.At, _labels);
        if (rows.Count > 0) outbox.Enqueue(rows);
        return TriggerDetector.OnLookalike(triggers, Similarity(customer.Features), _options.LookalikeThreshold) ? [TriggerNames.LooksLikeHighValue] : [];
    }

    /// <summary>Expires snapshots whose window passed while the customer was quiet (called from the customer's wake-up).</summary>
    public void Expire(string customerId, OpenSnapshots open, DateTimeOffset now)
    {
        var rows = new List<TrainingRow>();
        OutcomeLabeller.Expire(open, now, _labels, customerId, rows);
        if (rows.Count > 0) outbox.Enqueue(rows);
    }

    public double Similarity(ReadOnlySpan<float> features) =>
        models.Lookalike is { } profile ? LookalikePrototypes.Similarity(profile, features) : 0;
}
