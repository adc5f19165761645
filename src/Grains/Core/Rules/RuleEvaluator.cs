using System.Globalization;
using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Core.Rules;

/// <summary>
/// Evaluates audience and branch rules. Fields: "likelihood", any name in
/// <see cref="CustomerFeatures.Names"/>, "trait.&lt;name&gt;" or "consent.&lt;channel&gt;".
/// </summary>
public static class RuleEvaluator
{
    public static readonly string[] Operators = ["eq", "neq", "gt", "gte", "lt", "lte", "in", "exists"];

    private static readonly string[] NumericOperators = ["gt", "gte", "lt", "lte"];

    public static bool Matches(AudienceRule? rule, ScoredCustomer customer)
    {
        if (rule is null) return true;
        foreach (var condition in rule.All)
        {
            if (!Matches(condition, customer)) return false;
        }
        if (rule.Any.Length == 0) return true;
        foreach (var condition in rule.Any)
        {
            if (Matches(condition, customer)) return true;
        }
        return false;
    }

    /// <summary>Problems that make a rule unusable, each naming the condition; empty when valid.</summary>
    public static IEnumerable<string> Validate(AudienceRule? rule, string path)
    {
        if (rule is null) yield break;
        if (rule.All is null || rule.Any is null)
        {
            yield return $"{path}: all and any must be lists";
            yield break;
        }
        if (rule.All.Length + rule.Any.Length > CampaignLimits.MaxConditions)
            yield return $"{path}: at most {CampaignLimits.MaxConditions} conditions";
        var conditions = rule.All.Select((c, i) => (c, $"{path}.all[{i}]"))
            .Concat(rule.Any.Select((c, i) => (c, $"{path}.any[{i}]")));
        foreach (var (c, at) in conditions)
        {
            if (c is null || c.Field is null || c.Op is null || c.Value is null)
            {
                yield return $"{at}: field, op and value are required";
                continue;
            }
            if (!Operators.Contains(c.Op)) yield return $"{at}: unknown operator '{c.Op}'";
            if (c.Field.Length > CampaignLimits.MaxFieldLength || !IsKnownField(c.Field)) yield return $"{at}: unknown field '{c.Field}'";
            if (c.Value.Length > CampaignLimits.MaxValueLength) yield return $"{at}: value longer than {CampaignLimits.MaxValueLength} characters";
            if (NumericOperators.Contains(c.Op) && !double.TryParse(c.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                yield return $"{at}: operator '{c.Op}' needs a number, got '{c.Value}'";
        }
    }

    private static bool IsKnownField(string field) =>
        field == "likelihood" || CustomerFeatures.IndexOf(field) >= 0 ||
        (field.StartsWith("trait.", StringComparison.Ordinal) && field.Length > 6) ||
        (field.StartsWith("consent.", StringComparison.Ordinal) && field.Length > 8);

    private static bool Matches(RuleCondition c, ScoredCustomer customer)
    {
        if (customer.Numeric(c.Field) is { } number) return Compare(number, c);
        var text = TextOf(c.Field, customer);
        return c.Op switch
        {
            "exists" => text is not null,
            "eq" => string.Equals(text, c.Value, StringComparison.OrdinalIgnoreCase),
            "neq" => !string.Equals(text, c.Value, StringComparison.OrdinalIgnoreCase),
            "in" => text is not null && c.Value.Split(',').Any(v => string.Equals(v.Trim(), text, StringComparison.OrdinalIgnoreCase)),
            _ => text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && Compare(parsed, c),
        };
    }

    private static string? TextOf(string field, ScoredCustomer customer)
    {
        if (field.StartsWith("trait.", StringComparison.Ordinal))
            return customer.Profile.Traits.GetValueOrDefault(field[6..]);
        if (field.StartsWith("consent.", StringComparison.Ordinal))
            return customer.Profile.HasConsent(field[8..]) ? "true" : "false";
        return null;
    }

    private static bool Compare(double actual, RuleCondition c)
    {
        if (c.Op == "exists") return true;
        if (c.Op == "in")
            return c.Value.Split(',').Any(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x == actual);
        if (!double.TryParse(c.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected)) return false;
        return c.Op switch
        {
            "eq" => actual == expected,
            "neq" => actual != expected,
            "gt" => actual > expected,
            "gte" => actual >= expected,
            "lt" => actual < expected,
            "lte" => actual <= expected,
            _ => false,
        };
    }
}
