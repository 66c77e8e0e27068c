using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// Applies expand[] paths to a rendered object the way Stripe does: an id becomes the object it names, "data" walks
/// into a list, an array of ids (discounts) becomes the objects, the includable fields (a customer's "subscriptions", a
/// price's "tiers") appear only when asked for, and more than 4 levels is an error.
/// </summary>
public sealed class StripeExpander(FakeStripeData data)
{
    public const int MaxDepth = 4;

    public void Apply(JsonObject target, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            var segments = path.Split('.');
            if (segments.Length > MaxDepth)
            {
                throw new StripeApiException(400,
                    $"You cannot expand more than {MaxDepth} levels of a property. Property: {path}", param: "expand");
            }

            Expand(target, segments, 0, path);
        }
    }

    private void Expand(JsonObject node, string[] path, int index, string fullPath)
    {
        if (index >= path.Length)
        {
            return;
        }

        var field = path[index];

        if ((string?)node["object"] == "list")
        {
            if (field != "data")
            {
                throw NotExpandable(fullPath);
            }

            foreach (var item in node["data"]!.AsArray())
            {
                if (item is JsonObject element)
                {
                    Expand(element, path, index + 1, fullPath);
                }
            }

            return;
        }

        if (!node.TryGetPropertyValue(field, out var value))
        {
            if ((string?)node["object"] == "customer" && field == "subscriptions"
                && data.Find<FakeCustomer>((string?)node["id"]) is { } customer)
            {
                node[field] = value = FakeStripeJson.EmbeddedSubscriptions(customer, data);
            }
            else if ((string?)node["object"] == "price" && field == "tiers"
                && data.Find<FakePrice>((string?)node["id"]) is { } price)
            {
                node[field] = value = FakeStripeJson.Tiers(price);
            }
            else
            {
                throw NotExpandable(fullPath);
            }
        }
        else if (value is JsonArray ids && (string?)node["object"] != "list")
        {
            for (var i = 0; i < ids.Count; i++)
            {
                if (ids[i] is JsonValue element && element.TryGetValue<string>(out var elementId))
                {
                    ids[i] = FakeStripeJson.Render(data.Find(elementId), data) ?? throw NotExpandable(fullPath);
                }

                if (ids[i] is JsonObject expanded)
                {
                    Expand(expanded, path, index + 1, fullPath);
                }
            }
            return;
        }
        else if (value is JsonValue scalar && scalar.TryGetValue<string>(out var id))
        {
            var resolved = FakeStripeJson.Render(data.Find(id), data) ?? throw NotExpandable(fullPath);
            node[field] = value = resolved;
        }

        if (value is JsonObject child)
        {
            Expand(child, path, index + 1, fullPath);
        }
    }

    private static StripeApiException NotExpandable(string path) =>
        new(400, $"This property cannot be expanded ({path}).", param: "expand");
}
