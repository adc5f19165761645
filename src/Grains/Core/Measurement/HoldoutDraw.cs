using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Measurement;

/// <summary>
/// Deterministic, salted assignment of a customer to treated, campaign holdout or global control.
/// The same customer always lands in the same group for a campaign (every decision, every silo,
/// after a restart), so treated and holdout are two fixed random samples of the audience. The
/// global bucket ignores the campaign so the global control is one group across all campaigns; the
/// campaign bucket includes it so holdouts of different campaigns are independent.
/// </summary>
public static class HoldoutDraw
{
    public static HoldoutAssignment Assign(string salt, string saltId, string customerId, string campaignId, double holdoutPercent, double globalControlPercent)
    {
        var global = Bucket(salt, customerId, scope: "");
        var bucket = Bucket(salt, customerId, campaignId);
        var group = global < globalControlPercent / 100 ? MeasurementGroup.GlobalControl
            : bucket < holdoutPercent / 100 ? MeasurementGroup.CampaignHoldout
            : MeasurementGroup.Treated;
        return new HoldoutAssignment { Group = group, Bucket = bucket, GlobalBucket = global, SaltId = saltId };
    }

    /// <summary>Uniform in [0, 1): the top 53 bits of SHA-256(salt ‖ scope ‖ customer).</summary>
    public static double Bucket(string salt, string customerId, string scope)
    {
        var text = $"{salt}\n{scope}\n{customerId}";
        // Drawn on every decision: hash from the stack when the ids are of ordinary length.
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(text, bytes)], hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
