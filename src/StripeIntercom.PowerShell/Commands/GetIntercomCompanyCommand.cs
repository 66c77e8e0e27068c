using System.Collections.Specialized;
using System.Management.Automation;
using StripeIntercom.Companies;
using StripeIntercom.Intercom;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>Gets Intercom companies by company_id, Intercom id, or the Stripe customer billed for them.</summary>
[Cmdlet(VerbsCommon.Get, "IntercomCompany", DefaultParameterSetName = ByCompanyIdSet)]
[OutputType(typeof(IntercomCompany))]
public sealed class GetIntercomCompanyCommand : StripeIntercomCmdlet
{
    private const string ByCompanyIdSet = "ByCompanyId";
    private const string ByIdSet = "ById";
    private const string ByCustomerIdSet = "ByCustomerId";
    private const string NotFound = "CompanyNotFound";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByCompanyIdSet, ValueFromPipeline = true,
        ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] CompanyId { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("IntercomCompanyId")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ByCustomerIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] CustomerId { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = ByCustomerIdSet)]
    [ValidateNotNullOrEmpty]
    public string? CompanyIdMetadataKey { get; set; }

    private IntercomLookup? _lookup;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var connection = ModuleSession.Require(this);
        var client = Own(connection.CreateIntercomClient(new CmdletLogger(this)));
        CompanyFinder? finder = null;
        if (ParameterSetName == ByCustomerIdSet)
        {
            var stripe = Own(connection.CreateStripeReader(new CmdletLogger(this)));
            var options = new CompanySyncOptions { CompanyIdMetadataKey = CompanyIdMetadataKey };
            finder = new CompanyFinder(client, options, stripe);
        }

        _lookup = new IntercomLookup(client, companies: finder);
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ByCompanyIdSet:
                WriteLookups(CompanyId, _lookup!.CompanyByCompanyIdAsync, NotFound, ToOutput);
                break;
            case ByIdSet:
                WriteLookups(Id, _lookup!.CompanyByIdAsync, NotFound, ToOutput);
                break;
            default:
                WriteLookups(CustomerId, _lookup!.CompanyOfCustomerAsync, NotFound, ToOutput);
                break;
        }
    }

    /// <summary>The company, with its custom attributes as plain values in an Attributes property.</summary>
    private static PSObject ToOutput(IntercomCompany company)
    {
        var attributes = new OrderedDictionary(StringComparer.Ordinal);
        foreach (var pair in company.CustomAttributes)
        {
            attributes[pair.Key] = IntercomCustomAttributes.ToPlain(pair.Value);
        }

        var output = PSObject.AsPSObject(company);
        output.Properties.Add(new PSNoteProperty("Attributes", attributes));
        return output;
    }
}
