using System;
using System.Collections.Generic;

namespace StripeIntercom.Sync;

/// <summary>
/// Contact ids by a key that almost always names one contact (an email). A key with one id costs a dictionary entry,
/// not a set of its own, which is most of what an index of a hundred thousand contacts would otherwise hold per email.
/// </summary>
internal sealed class IdsByKey
{
    // A string for one id, a HashSet<string> for several.
    private readonly Dictionary<string, object> _ids;

    public IdsByKey(IEqualityComparer<string> keyComparer) => _ids = new Dictionary<string, object>(keyComparer);

    public void Add(string key, string id)
    {
        if (!_ids.TryGetValue(key, out var held))
        {
            _ids[key] = id;
        }
        else if (held is string single)
        {
            if (!string.Equals(single, id, StringComparison.Ordinal))
            {
                _ids[key] = new HashSet<string>(StringComparer.Ordinal) { single, id };
            }
        }
        else
        {
            ((HashSet<string>)held).Add(id);
        }
    }

    public void Remove(string key, string id)
    {
        if (!_ids.TryGetValue(key, out var held))
        {
            return;
        }

        if (held is HashSet<string> several)
        {
            several.Remove(id);
        }
        else if (string.Equals((string)held, id, StringComparison.Ordinal))
        {
            _ids.Remove(key);
        }
    }

    public IReadOnlyCollection<string> Get(string key) =>
        !_ids.TryGetValue(key, out var held) ? Array.Empty<string>()
        : held is string single ? new[] { single }
        : (HashSet<string>)held;
}
