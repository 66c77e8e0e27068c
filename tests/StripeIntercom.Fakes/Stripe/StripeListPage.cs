using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>Cursor paging as Stripe does it: newest first, starting_after / ending_before by object id,
/// has_more.</summary>
public static class StripeListPage
{
    /// <param name="newestFirst">The filtered objects in list order.</param>
    public static JsonObject Build<T>(IReadOnlyList<T> newestFirst, Func<T, string> id, Func<T, JsonNode> render,
        StripeQuery query, string url, string kind)
    {
        var limit = query.Limit();
        var startingAfter = query.Value("starting_after");
        var endingBefore = query.Value("ending_before");
        int from, to;
        bool hasMore;
        if (!string.IsNullOrEmpty(startingAfter))
        {
            var at = IndexOf(newestFirst, id, startingAfter, kind, "starting_after");
            from = at + 1;
            to = Math.Min(newestFirst.Count, from + limit);
            hasMore = to < newestFirst.Count;
        }
        else if (!string.IsNullOrEmpty(endingBefore))
        {
            var at = IndexOf(newestFirst, id, endingBefore, kind, "ending_before");
            to = at;
            from = Math.Max(0, to - limit);
            hasMore = from > 0;
        }
        else
        {
            from = 0;
            to = Math.Min(newestFirst.Count, limit);
            hasMore = to < newestFirst.Count;
        }
        var page = new List<JsonNode>(to - from);
        for (var i = from; i < to; i++)
        {
            page.Add(render(newestFirst[i]));
        }

        return FakeStripeJson.List(page, url, hasMore);
    }

    private static int IndexOf<T>(IReadOnlyList<T> items, Func<T, string> id, string cursor, string kind, string param)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (id(items[i]) == cursor)
            {
                return i;
            }
        }

        throw StripeApiException.NoSuch(kind, cursor, param);
    }
}
