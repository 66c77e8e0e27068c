using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// Tab completion for -Attribute: the catalog's attribute names (<see cref="AttributeMap.Default"/>) that match what
/// was typed, as a wildcard pattern with an implied trailing *, leaving out names already given.
/// </summary>
public sealed class AttributeNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
        var given = fakeBoundParameters?[parameterName] is { } bound
            ? LanguagePrimitives.ConvertTo<string[]>(bound)
            : new string[0];
        foreach (var attribute in AttributeMap.Default.Attributes.Where(
                     a => pattern.IsMatch(a.Name) && !given.Contains(a.Name)))
        {
            var tooltip = string.IsNullOrEmpty(attribute.Description) ? attribute.Name
                : attribute.DataType is { } type ? $"{attribute.Description} ({type})" : attribute.Description;
            yield return new CompletionResult(
                attribute.Name, attribute.Name, CompletionResultType.ParameterValue, tooltip);
        }
    }
}
