using System.Management.Automation;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>Creates the custom data attributes the attribute map needs that the workspace does not have yet.</summary>
[Cmdlet(VerbsData.Initialize, "IntercomDataAttribute", SupportsShouldProcess = true)]
[OutputType(typeof(DataAttributeResult))]
public sealed class InitializeIntercomDataAttributeCommand : AttributeMapCmdlet
{
    // Company sync (issue 10): kept together at the end of the parameters.
    [Parameter]
    public SwitchParameter SyncCompany { get; set; }

    protected override void ProcessRecord()
    {
        var connection = ModuleSession.Require(this);
        var settings = ReadSettingsOrStop();

        using var client = connection.CreateIntercomClient(new CmdletLogger(this));
        try
        {
            Ensure(new DataAttributeInitializer(client, new CmdletLogger(this)), settings.Map);
            if (SyncCompany)
            {
                // The company map's attributes are data attributes of model company, listed and created apart.
                var companies = new DataAttributeInitializer(client, new CmdletLogger(this), model: "company");
                Ensure(companies, settings.CompanyMap());
            }
        }
        catch (Exception ex) when (IsDataAttributeError(ex))
        {
            StopOnDataAttributeError(ex);
        }
    }

    /// <summary>Asks once for the whole set of one model: the planned creations are known only after reading the
    /// workspace.</summary>
    private void Ensure(DataAttributeInitializer initializer, AttributeMap map)
    {
        var plan = Run(token => initializer.EnsureAsync(map, whatIf: true, token));
        var missing = plan.Count(result => result.Action == DataAttributeAction.WouldCreate);
        var create = missing > 0
            && ShouldProcess($"{missing} Intercom {initializer.Model} data attribute(s)", "Create");
        var results = create ? Run(token => initializer.EnsureAsync(map, whatIf: false, token)) : plan;
        WriteResults(results, initializer.Model);
    }

    /// <summary>Each result, with a Model note property when company attributes are in the output too.</summary>
    private void WriteResults(IReadOnlyList<DataAttributeResult> results, string model)
    {
        foreach (var result in results)
        {
            if (!SyncCompany)
            {
                WriteObject(result);
                continue;
            }

            var output = PSObject.AsPSObject(result);
            output.Properties.Add(new PSNoteProperty("Model", model));
            WriteObject(output);
        }
    }
}
