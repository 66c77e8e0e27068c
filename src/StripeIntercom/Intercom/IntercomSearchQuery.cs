using System.Collections.Generic;
using System.Linq;

namespace StripeIntercom.Intercom;

/// <summary>A contacts search filter: a single {field, operator, value} or nested AND / OR groups.</summary>
public sealed class IntercomSearchQuery
{
    private readonly Dictionary<string, object?> _body;

    private IntercomSearchQuery(Dictionary<string, object?> body) => _body = body;

    /// <summary>Operators: =, !=, IN, NIN, &lt;, &gt;, &lt;=, &gt;=, ~, !~, ^, $.</summary>
    public static IntercomSearchQuery Field(string field, string @operator, object? value) =>
        new IntercomSearchQuery(
            new Dictionary<string, object?> { ["field"] = field, ["operator"] = @operator, ["value"] = value });

    public static IntercomSearchQuery And(params IntercomSearchQuery[] parts) => Group("AND", parts);
    public static IntercomSearchQuery Or(params IntercomSearchQuery[] parts) => Group("OR", parts);

    internal object ToBody() => _body;

    private static IntercomSearchQuery Group(string op, IEnumerable<IntercomSearchQuery> parts) =>
        new IntercomSearchQuery(
            new Dictionary<string, object?> { ["operator"] = op, ["value"] = parts.Select(p => p._body).ToList() });
}
