using System;
using System.Collections.Generic;

namespace StripeIntercom.Intercom;

/// <summary>One page of a contact list or search.</summary>
public sealed class IntercomContactPage
{
    public IReadOnlyList<IntercomContact> Contacts { get; set; } = Array.Empty<IntercomContact>();
    public int TotalCount { get; set; }
    public int PerPage { get; set; }
    /// <summary>The starting_after cursor of the next page, or null on the last page.</summary>
    public string? NextCursor { get; set; }
}
