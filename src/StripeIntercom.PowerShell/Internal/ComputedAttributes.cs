using System.Collections;
using System.Management.Automation;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// -ComputedAttribute: name = scriptblock over the profile ($_), or name = @{ Expression; Type; Description; Model },
/// read by the library (<see cref="ComputedAttributeSettings"/>). Scriptblocks run on the pipeline thread (the job
/// evaluates them through the cmdlet's <see cref="WorkPump"/>).
/// </summary>
internal static class ComputedAttributes
{
    public static void Apply(SyncSettings settings, IDictionary? computed)
    {
        if (computed is null)
        {
            return;
        }

        var entries = computed.Cast<DictionaryEntry>()
            .Select(entry => new KeyValuePair<string, object?>(entry.Key.ToString()!, Unwrap(entry.Value)));
        ComputedAttributeSettings.Apply(settings, entries, ExpressionOf);
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    private static Func<CustomerProfile, object?>? ExpressionOf(object? value) =>
        Unwrap(value) is ScriptBlock expression ? profile => Invoke(expression, profile) : null;

    private static object? Invoke(ScriptBlock expression, CustomerProfile profile)
    {
        var variables = new List<PSVariable> { new PSVariable("_", profile), new PSVariable("PSItem", profile) };
        var output = expression.InvokeWithContext(null, variables, profile);
        return output.LastOrDefault(o => o is not null)?.BaseObject;
    }
}
