using System;
using System.Collections.Generic;

namespace StripeIntercom.Intercom;

/// <summary>
/// One page of GET /companies/scroll. Pass <see cref="ScrollParam"/> to get the next; an empty page is the end.
/// A workspace has one scroll at a time, and an unused one expires after a minute.
/// </summary>
public sealed class IntercomCompanyScrollPage
{
    public IReadOnlyList<IntercomCompany> Companies { get; set; } = Array.Empty<IntercomCompany>();
    public string? ScrollParam { get; set; }
    public bool IsEnd => Companies.Count == 0;
}
