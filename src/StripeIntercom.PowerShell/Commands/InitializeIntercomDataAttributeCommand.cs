using System;
using System.Management.Automation;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands
{
    /// <summary>Creates the custom data attributes the attribute map needs that the workspace does not have yet.</summary>
    [Cmdlet(VerbsData.Initialize, "IntercomDataAttribute", SupportsShouldProcess = true)]
    [OutputType(typeof(DataAttributeResult))]
    public sealed class InitializeIntercomDataAttributeCommand : StripeIntercomCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AttributeNameCompleter))]
        public string[]? Attribute { get; set; }

        [Parameter]
        [ValidateNotNull]
        public object? AttributeMap { get; set; }

        [Parameter]
        [ValidateNotNull]
        public System.Collections.IDictionary? ComputedAttribute { get; set; }

        protected override void ProcessRecord()
        {
            var connection = ModuleSession.Require(this);
            var map = AttributeMapParameters.BuildOrStop(this, Attribute, AttributeMap, ComputedAttribute);

            // Ask once for the whole set: the planned creations are known only after reading the workspace.
            System.Collections.Generic.IReadOnlyList<DataAttributeResult>? plan = null;
            using var client = connection.CreateIntercomClient(new CmdletLogger(this));
            var initializer = new DataAttributeInitializer(client, new CmdletLogger(this));
            try
            {
                Run(async token => plan = await initializer.EnsureAsync(map, whatIf: true, token).ConfigureAwait(false));
                var missing = 0;
                foreach (var result in plan!)
                {
                    if (result.Action == DataAttributeAction.WouldCreate)
                    {
                        missing++;
                    }
                }

                if (missing == 0 || !ShouldProcess($"{missing} Intercom data attribute(s)", "Create"))
                {
                    WriteObject(plan, enumerateCollection: true);
                    return;
                }

                System.Collections.Generic.IReadOnlyList<DataAttributeResult>? done = null;
                Run(async token => done = await initializer.EnsureAsync(map, whatIf: false, token).ConfigureAwait(false));
                WriteObject(done, enumerateCollection: true);
            }
            catch (Exception ex) when (ex is DataAttributeConflictException || ex is DataAttributeLimitException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ex.GetType().Name.Replace("Exception", ""), ErrorCategory.InvalidData, null));
            }
        }
    }
}
