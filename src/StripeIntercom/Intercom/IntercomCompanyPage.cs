using System;
using System.Collections.Generic;

namespace StripeIntercom.Intercom;

/// <summary>One page of GET /companies: numbered pages of up to 60, newest first, companies without contacts left
/// out.</summary>
public sealed class IntercomCompanyPage
{
    public IReadOnlyList<IntercomCompany> Companies { get; set; } = Array.Empty<IntercomCompany>();
    public int TotalCount { get; set; }
    public int Page { get; set; }
    public int PerPage { get; set; }
    public int TotalPages { get; set; }
    public bool HasMore => Page < TotalPages;
}
