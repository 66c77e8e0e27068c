using System;
using System.Collections;
using System.Management.Automation;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>The attribute-map parameters (-Attribute, -AttributeMap, -ComputedAttribute) and the map they make.</summary>
    public abstract class MappingCmdlet : AsyncCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Attribute { get; set; }

        [Parameter]
        [ValidateNotNull]
        public object? AttributeMap { get; set; }

        [Parameter]
        [ValidateNotNull]
        public IDictionary? ComputedAttribute { get; set; }

        protected AttributeMap BuildAttributeMap()
        {
            try
            {
                return AttributeMapParameters.Build(this, Attribute, AttributeMap, ComputedAttribute);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is FormatException || ex is System.IO.IOException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidAttributeMap", ErrorCategory.InvalidArgument, AttributeMap ?? Attribute));
                throw;
            }
        }
    }
}
