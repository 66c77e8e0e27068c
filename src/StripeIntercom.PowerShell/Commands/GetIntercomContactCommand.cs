using System;
using System.Collections.Specialized;
using System.Management.Automation;
using StripeIntercom.Intercom;
using StripeIntercom.PowerShell.Internal;

namespace StripeIntercom.PowerShell.Commands
{
    /// <summary>Gets Intercom contacts by Stripe customer id (external_id), email or contact id.</summary>
    [Cmdlet(VerbsCommon.Get, "IntercomContact", DefaultParameterSetName = ByExternalIdSet)]
    [OutputType(typeof(IntercomContact))]
    public sealed class GetIntercomContactCommand : StripeIntercomCmdlet
    {
        private const string ByExternalIdSet = "ByExternalId";
        private const string ByEmailSet = "ByEmail";
        private const string ByIdSet = "ById";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByExternalIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("CustomerId")]
        [ValidateNotNullOrEmpty]
        public string[] ExternalId { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = ByEmailSet)]
        [ValidateNotNullOrEmpty]
        public string[] Email { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
        [Alias("ContactId")]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        private IntercomClient? _client;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _client = ModuleSession.Require(this).CreateIntercomClient(new CmdletLogger(this));
        }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case ByExternalIdSet:
                    foreach (var externalId in ExternalId)
                    {
                        IntercomContact? contact = null;
                        Run(async token => contact = await _client!.FindContactByExternalIdAsync(externalId, token).ConfigureAwait(false));
                        WriteContactOrNotFound(contact, $"No Intercom user has external_id '{externalId}'.", externalId);
                    }

                    break;
                case ByEmailSet:
                    foreach (var email in Email)
                    {
                        IntercomContactPage? page = null;
                        Run(async token => page = await _client!.SearchContactsAsync(IntercomSearchQuery.Field("email", "=", email), cancellationToken: token).ConfigureAwait(false));
                        if (page!.Contacts.Count == 0)
                        {
                            WriteContactOrNotFound(null, $"No Intercom contact has the email '{email}' (search can lag a few minutes behind new contacts).", email);
                        }

                        foreach (var contact in page.Contacts)
                        {
                            WriteObject(ToOutput(contact));
                        }
                    }

                    break;
                default:
                    foreach (var id in Id)
                    {
                        IntercomContact? contact = null;
                        try
                        {
                            Run(async token => contact = await _client!.GetContactAsync(id, token).ConfigureAwait(false));
                        }
                        catch (IntercomApiException ex) when ((int)ex.StatusCode == 404)
                        {
                        }

                        WriteContactOrNotFound(contact, $"No Intercom contact has the id '{id}'.", id);
                    }

                    break;
            }
        }

        protected override void ReleaseResources() => _client?.Dispose();

        private void WriteContactOrNotFound(IntercomContact? contact, string notFound, string target)
        {
            if (contact is null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException(notFound), "ContactNotFound", ErrorCategory.ObjectNotFound, target));
                return;
            }

            WriteObject(ToOutput(contact));
        }

        /// <summary>The contact, with its custom attributes as plain values in an Attributes property.</summary>
        private static PSObject ToOutput(IntercomContact contact)
        {
            var attributes = new OrderedDictionary(StringComparer.Ordinal);
            foreach (var pair in contact.CustomAttributes)
            {
                attributes[pair.Key] = IntercomCustomAttributes.ToPlain(pair.Value);
            }

            var output = PSObject.AsPSObject(contact);
            output.Properties.Add(new PSNoteProperty("Attributes", attributes));
            return output;
        }

    }
}
