using System;
using System.Collections.Generic;

namespace StripeIntercom.Sync;

/// <summary>What happened (or, under -WhatIf, would happen) to one Stripe customer's Intercom contact.</summary>
public sealed class SyncResult
{
    public string CustomerId { get; set; } = "";
    public string? Email { get; set; }
    public string? ContactId { get; set; }
    public SyncAction Action { get; set; }
    /// <summary>How the contact was found: ExternalId, Link, Email, Lead, Sibling or Created.</summary>
    public ContactMatchedBy MatchedBy { get; set; }
    /// <summary>Why the result is what it is when that is not obvious (customers sharing an email, say).</summary>
    public string? Note { get; set; }
    /// <summary>True when nothing was written because the run was a -WhatIf.</summary>
    public bool WhatIf { get; set; }
    public IReadOnlyList<AttributeChange> Changes { get; set; } = Array.Empty<AttributeChange>();
    /// <summary>For Conflict: the ids of the contacts that could each be this customer.</summary>
    public IReadOnlyList<string> Candidates { get; set; } = Array.Empty<string>();
    public string? Error { get; set; }
    public Exception? Exception { get; set; }

    /// <summary>
    /// The companies the contact was attached to when the sync read it (null for a new contact or none read): lets the
    /// company sync see which attachments are missing without reading the contact again.
    /// </summary>
    internal Intercom.IntercomContactCompanies? ContactCompanies { get; set; }

    public override string ToString() => $"{CustomerId} {Action}";
}
