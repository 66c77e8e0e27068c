using System;
using System.Collections.Specialized;
using System.Management.Automation;
using StripeIntercom.Companies;
using StripeIntercom.Intercom;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Stripe;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>Gets Intercom companies by company_id, Intercom id, or the Stripe customer billed for them.</summary>
[Cmdlet(VerbsCommon.Get, "IntercomCompany", DefaultParameterSetName = ByCompanyIdSet)]
[OutputType(typeof(IntercomCompany))]
public sealed class GetIntercomCompanyCommand : StripeIntercomCmdlet
{
    private const string ByCompanyIdSet = "ByCompanyId";
    private const string ByIdSet = "ById";
    private const string ByCustomerIdSet = "ByCustomerId";

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

    private IntercomClient? _client;
    private StripeCustomerReader? _stripe;
    private CompanyFinder? _finder;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var connection = ModuleSession.Require(this);
        _client = connection.CreateIntercomClient(new CmdletLogger(this));
        if (ParameterSetName == ByCustomerIdSet)
        {
            _stripe = connection.CreateStripeReader(new CmdletLogger(this));
            var options = new CompanySyncOptions { CompanyIdMetadataKey = CompanyIdMetadataKey };
            _finder = new CompanyFinder(_client, options, _stripe);
        }
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ByCompanyIdSet:
                foreach (var companyId in CompanyId)
                {
                    var company = Run(token => _client!.FindCompanyByCompanyIdAsync(companyId, token));
                    WriteCompanyOrNotFound(company, $"No Intercom company has company_id '{companyId}'.", companyId);
                }

                break;
            case ByIdSet:
                foreach (var id in Id)
                {
                    IntercomCompany? company = null;
                    try
                    {
                        company = Run(token => _client!.GetCompanyAsync(id, token));
                    }
                    catch (IntercomApiException ex) when ((int)ex.StatusCode == 404)
                    {
                    }

                    WriteCompanyOrNotFound(company, $"No Intercom company has the id '{id}'.", id);
                }

                break;
            default:
                foreach (var customerId in CustomerId)
                {
                    var company = Run(token => _finder!.FindAsync(customerId, token));
                    WriteCompanyOrNotFound(
                        company, $"No Intercom company is billed to Stripe customer '{customerId}'.", customerId);
                }

                break;
        }
    }

    protected override void ReleaseResources()
    {
        _client?.Dispose();
        _stripe?.Dispose();
    }

    private void WriteCompanyOrNotFound(IntercomCompany? company, string notFound, string target)
    {
        if (company is null)
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException(notFound), "CompanyNotFound", ErrorCategory.ObjectNotFound, target));
            return;
        }

        WriteObject(ToOutput(company));
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
