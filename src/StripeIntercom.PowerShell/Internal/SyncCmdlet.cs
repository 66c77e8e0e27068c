using System;
using System.Management.Automation;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>The parameters every syncing cmdlet takes, the options they make, and the errors that stop a run.</summary>
    public abstract class SyncCmdlet : MappingCmdlet
    {
        protected const int DefaultThrottleLimit = 8;

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        [Parameter]
        public ContactLookupMode LookupMode { get; set; } = ContactLookupMode.Auto;

        [Parameter]
        [ValidateRange(1, 100000)]
        public int? MaxRequestsPerWindow { get; set; }

        [Parameter]
        public DeletedCustomerAction DeletedCustomerAction { get; set; } = DeletedCustomerAction.Mark;

        private bool? _isWhatIf;

        /// <summary>True under -WhatIf, whether given to this cmdlet or through $WhatIfPreference (read once: it is asked per customer).</summary>
        protected bool IsWhatIf => _isWhatIf ??=
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
                ? ((SwitchParameter)value).IsPresent
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        /// <summary>The run's Intercom budget: the connection's, or a tighter one for a workspace shared with other apps.</summary>
        protected RateLimitBudget? IntercomBudgetOverride =>
            MaxRequestsPerWindow is { } limit ? new RateLimitBudget(limit, TimeSpan.FromSeconds(10)) : null;

        protected SyncOptions BuildSyncOptions(ContactLookupMode? lookupMode = null) => new SyncOptions
        {
            WhatIf = IsWhatIf,
            Force = Force.IsPresent,
            LookupMode = lookupMode ?? LookupMode,
            DeletedCustomerAction = DeletedCustomerAction,
        };

        /// <summary>Stops the whole run for the failures that no later customer could get past.</summary>
        protected void StopRun(Exception error)
        {
            switch (error)
            {
                case IntercomAuthenticationException _:
                    ThrowTerminatingError(new ErrorRecord(
                        new InvalidOperationException("Intercom rejected the access token (401); the run was stopped. Check the token and connect again.", error),
                        "IntercomTokenRejected", ErrorCategory.AuthenticationError, null));
                    break;
                case StripeCredentialsException _:
                    ThrowTerminatingError(new ErrorRecord(
                        new InvalidOperationException("Stripe rejected the secret key (401); the run was stopped. Check the key and connect again.", error),
                        "StripeKeyRejected", ErrorCategory.AuthenticationError, null));
                    break;
                case ServiceUnavailableException unavailable:
                    ThrowTerminatingError(new ErrorRecord(unavailable, "ServiceUnavailable." + unavailable.ServiceName, ErrorCategory.ResourceUnavailable, unavailable.ServiceName));
                    break;
            }
        }

        /// <summary>The failures <see cref="StopRun"/> handles.</summary>
        protected static bool StopsTheRun(Exception error) =>
            error is IntercomAuthenticationException || error is StripeCredentialsException || error is ServiceUnavailableException;
    }
}
