using System.Management.Automation;
using StripeIntercom.Intercom;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>
/// Gets Intercom contacts by Stripe customer id or profile (as the sync finds them: <see cref="ContactFinder"/>),
/// by email or by contact id.
/// </summary>
[Cmdlet(VerbsCommon.Get, "IntercomContact", DefaultParameterSetName = ByCustomerIdSet)]
[OutputType(typeof(IntercomContact), typeof(IntercomDataEvent))]
public sealed class GetIntercomContactCommand : StripeIntercomCmdlet
{
    private const string ByCustomerIdSet = "ByCustomerId";
    private const string ByProfileSet = "ByProfile";
    private const string ByEmailSet = "ByEmail";
    private const string ByIdSet = "ById";
    private const string NotFound = "ContactNotFound";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByCustomerIdSet, ValueFromPipeline = true,
        ValueFromPipelineByPropertyName = true)]
    [Alias("ExternalId")]
    [ValidateNotNullOrEmpty]
    public string[] CustomerId { get; set; } = Array.Empty<string>();

    /// <summary>Profiles from Get-StripeCustomerProfile: each is looked up by its Stripe customer id, never as a
    /// contact id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByProfileSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public CustomerProfile[] InputObject { get; set; } = Array.Empty<CustomerProfile>();

    [Parameter(Mandatory = true, ParameterSetName = ByEmailSet)]
    [ValidateNotNullOrEmpty]
    public string[] Email { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ContactId")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = ByCustomerIdSet)]
    [Parameter(ParameterSetName = ByProfileSet)]
    [ValidateNotNull]
    public object? AttributeMap { get; set; }

    [Parameter(ParameterSetName = ByCustomerIdSet)]
    [Parameter(ParameterSetName = ByProfileSet)]
    [ValidateNotNullOrEmpty]
    public string? ExternalIdMetadataKey { get; set; }

    /// <summary>The contacts' data events (newest first) instead of the contacts: what -SyncEvents sent.</summary>
    [Parameter]
    [Alias("Events")]
    public SwitchParameter DataEvents { get; set; }

    private IntercomLookup? _lookup;
    private IntercomClient? _client;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var connection = ModuleSession.Require(this);
        var client = _client = Own(connection.CreateIntercomClient(new CmdletLogger(this)));
        ContactFinder? finder = null;
        if (ParameterSetName is ByCustomerIdSet or ByProfileSet)
        {
            // The sync's identity settings: its renames (the link attribute) and the app's user id metadata key.
            var stripe = Own(connection.CreateStripeReader(new CmdletLogger(this)));
            var settings = SettingsParameters.ReadOrStop(this, AttributeMap, computed: null);
            finder = new ContactFinder(client, settings.Map, settings.ContactOptions(settings.LookupMode), stripe);
        }

        _lookup = new IntercomLookup(client, finder);
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ByCustomerIdSet:
                WriteLookups(CustomerId, _lookup!.ContactOfCustomerAsync, NotFound, Output);
                break;
            case ByProfileSet:
                WriteLookups(InputObject, _lookup!.ContactOfProfileAsync, NotFound, Output, profile => profile.Id);
                break;
            case ByEmailSet:
                WriteLookups(Email, _lookup!.ContactsByEmailAsync, NotFound, Output);
                break;
            default:
                WriteLookups(Id, _lookup!.ContactByIdAsync, NotFound, Output);
                break;
        }
    }

    private object Output(IntercomContact contact) => DataEvents
        ? Run(token => _client!.ListDataEventsAsync(contact.Id, token))
        : ToOutput(contact);

    /// <summary>
    /// The contact, with its custom attributes as plain values in an Attributes object (one property per attribute),
    /// which Select-Object, Format-* and Export-Csv read as they read any object.
    /// </summary>
    private static PSObject ToOutput(IntercomContact contact)
    {
        var attributes = ContactAttributes.Create(contact.CustomAttributes.Select(pair =>
            new KeyValuePair<string, object?>(pair.Key, IntercomCustomAttributes.ToPlain(pair.Value))));
        var output = PSObject.AsPSObject(contact);
        output.Properties.Add(new PSNoteProperty("Attributes", attributes));
        return output;
    }
}
