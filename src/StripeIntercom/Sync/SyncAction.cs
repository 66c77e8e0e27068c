namespace StripeIntercom.Sync;

public enum SyncAction
{
    /// <summary>A new Intercom contact was created (or would be, under -WhatIf).</summary>
    Created,
    /// <summary>An existing contact had attributes changed.</summary>
    Updated,
    /// <summary>Intercom already held exactly what Stripe says: no write.</summary>
    Unchanged,
    /// <summary>Deliberately not synced (for example a deleted customer with the Ignore action).</summary>
    Skipped,
    /// <summary>Several contacts could be this customer: nothing was written.</summary>
    Conflict,
    /// <summary>The customer could not be synced; see the error.</summary>
    Failed,
    /// <summary>The contact was archived (deleted Stripe customer with the Archive action).</summary>
    Archived,
}
