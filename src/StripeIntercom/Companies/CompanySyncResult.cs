using System;
using System.Collections.Generic;
using StripeIntercom.Sync;

namespace StripeIntercom.Companies;

/// <summary>What happened (or, under -WhatIf, would happen) to one Intercom company.</summary>
public sealed class CompanySyncResult
{
    /// <summary>The app's key for the company (company_id): never changes.</summary>
    public string CompanyId { get; set; } = "";

    /// <summary>Intercom's id for the company; null for one not created yet (-WhatIf).</summary>
    public string? IntercomCompanyId { get; set; }

    public string? Name { get; set; }
    public CompanySyncAction Action { get; set; }

    /// <summary>True when nothing was written because the run was a -WhatIf.</summary>
    public bool WhatIf { get; set; }

    /// <summary>Fields written (or to be written), including one "contact" entry per contact attached.</summary>
    public IReadOnlyList<AttributeChange> Changes { get; set; } = Array.Empty<AttributeChange>();

    /// <summary>The Stripe customers billed for the company, sorted.</summary>
    public IReadOnlyList<string> CustomerIds { get; set; } = Array.Empty<string>();

    /// <summary>Contacts attached by this run (under -WhatIf: to be attached).</summary>
    public IReadOnlyList<string> AttachedContactIds { get; set; } = Array.Empty<string>();

    public string? Error { get; set; }
    public Exception? Exception { get; set; }

    /// <summary>Every customer the company was computed from, deleted ones included: what a failed company puts on the
    /// retry list.</summary>
    internal IReadOnlyList<string> ContributingCustomerIds { get; set; } = Array.Empty<string>();

    public override string ToString() => $"{CompanyId} {Action}";
}
