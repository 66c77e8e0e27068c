using System;
using System.Collections.Generic;

namespace StripeIntercom.Sync;

/// <summary>The workspace cannot take the attributes still missing without passing Intercom's custom attribute
/// limit.</summary>
public sealed class DataAttributeLimitException : Exception
{
    public DataAttributeLimitException(int existing, IReadOnlyList<string> missing, int limit)
        : base($"The Intercom workspace has {existing} of at most {limit} custom attributes and the map needs " +
            $"{missing.Count} more " +
               $"({string.Join(", ", missing)}). Nothing was created. Archive unused attributes or select fewer.")
    {
        Existing = existing;
        Missing = missing;
        Limit = limit;
    }

    public int Existing { get; }
    public IReadOnlyList<string> Missing { get; }
    public int Limit { get; }
}
