using System.Collections.Generic;

namespace StripeIntercom.Sync;

/// <summary>One lookup's answer: what was found, and what to say when that is nothing.</summary>
public sealed class LookupResult<T>
    where T : class
{
    public LookupResult(IReadOnlyList<T> found, string notFoundMessage)
    {
        Found = found;
        NotFoundMessage = notFoundMessage;
    }

    public LookupResult(T? found, string notFoundMessage)
        : this(found is null ? new T[0] : new[] { found }, notFoundMessage)
    {
    }

    public IReadOnlyList<T> Found { get; }

    public string NotFoundMessage { get; }
}
