using System.Collections;
using System.Management.Automation;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>The parameters every syncing cmdlet takes, and the map and options they make.</summary>
    public abstract class SyncCmdlet : AsyncCmdlet
    {
        protected const int DefaultThrottleLimit = 8;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Attribute { get; set; }

        [Parameter]
        [ValidateNotNull]
        public object? AttributeMap { get; set; }

        [Parameter]
        [ValidateNotNull]
        public IDictionary? ComputedAttribute { get; set; }

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

        /// <summary>The run's Intercom budget: the connection's, or a tighter one for a workspace shared with other apps.</summary>
        protected StripeIntercom.Resilience.RateLimitBudget? IntercomBudgetOverride =>
            MaxRequestsPerWindow is { } limit ? new StripeIntercom.Resilience.RateLimitBudget(limit, System.TimeSpan.FromSeconds(10)) : null;

        /// <summary>True under -WhatIf, whether given to this cmdlet or through $WhatIfPreference.</summary>
        protected bool IsWhatIf =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
                ? ((SwitchParameter)value).IsPresent
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        protected AttributeMap BuildAttributeMap()
        {
            try
            {
                return AttributeMapParameters.Build(this, Attribute, AttributeMap, ComputedAttribute);
            }
            catch (System.Exception ex) when (ex is System.ArgumentException || ex is System.FormatException || ex is System.IO.IOException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidAttributeMap", ErrorCategory.InvalidArgument, AttributeMap ?? Attribute));
                throw;
            }
        }

        protected SyncOptions BuildSyncOptions(ContactLookupMode? lookupMode = null) => new SyncOptions
        {
            WhatIf = IsWhatIf,
            Force = Force.IsPresent,
            LookupMode = lookupMode ?? LookupMode,
        };
    }
}
