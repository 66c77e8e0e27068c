using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// Reads Stripe's form-encoded query parameters: arrays as name[0]=a&amp;name[1]=b (Stripe.net) or name[]=a, and ranges
/// as name[gt]=unix (or name=unix for an exact match). Brackets may arrive percent-encoded; ASP.NET Core decodes keys.
/// </summary>
public sealed partial class StripeQuery(IQueryCollection query)
{
    [GeneratedRegex(@"^(?<name>[a-z_]+)\[(?<index>\d*)\]$")]
    private static partial Regex ArrayKey();

    public string? Value(string name) => query.TryGetValue(name, out var values) ? values.ToString() : null;

    public IReadOnlyList<string> Array(string name)
    {
        var found = new List<(int Index, string Value)>();
        foreach (var (key, values) in query)
        {
            if (key == name) { found.AddRange(values.Select(v => (int.MaxValue, v ?? ""))); continue; }
            var match = ArrayKey().Match(key);
            if (!match.Success || match.Groups["name"].Value != name)
            {
                continue;
            }

            var index = match.Groups["index"].Value.Length == 0 ? int.MaxValue
                : int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture);
            found.AddRange(values.Select(v => (index, v ?? "")));
        }
        return found.OrderBy(f => f.Index).Select(f => f.Value).ToList();
    }

    public long? Long(string name)
    {
        var raw = Value(name);
        if (raw is null)
        {
            return null;
        }

        return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new StripeApiException(400, $"Invalid integer: {raw}", param: name);
    }

    public int Limit()
    {
        var limit = Long("limit") ?? 10;
        if (limit is < 1 or > 100)
        {
            throw new StripeApiException(400,
                "This value must be greater than or equal to 1 and less than or equal to 100.", param: "limit");
        }

        return (int)limit;
    }

    /// <summary>True when <paramref name="value"/> satisfies every bound given for <paramref name="name"/>.</summary>
    public Func<long, bool> Range(string name)
    {
        var exact = Long(name);
        var gt = Long($"{name}[gt]");
        var gte = Long($"{name}[gte]");
        var lt = Long($"{name}[lt]");
        var lte = Long($"{name}[lte]");
        return value => (exact is null || value == exact) && (gt is null || value > gt) && (gte is null || value >= gte)
                        && (lt is null || value < lt) && (lte is null || value <= lte);
    }
}
