namespace StripeIntercom.Companies;

public enum CompanySyncAction
{
    /// <summary>The company did not exist and was created (or would be, under -WhatIf).</summary>
    Created,
    /// <summary>Fields differed, or a contact was attached.</summary>
    Updated,
    /// <summary>Intercom already held what Stripe says, with every customer's contact attached: no write.</summary>
    Unchanged,
    /// <summary>Deliberately left alone (its only customers were deleted and DeletedCustomerAction is
    /// Ignore).</summary>
    Skipped,
    /// <summary>The company could not be synced; see the error. Its customers are retried by the next incremental
    /// run.</summary>
    Failed,
}
