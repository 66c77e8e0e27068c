using System.Management.Automation;

namespace StripeIntercom.PowerShell;

/// <summary>
/// A contact's custom attributes as Get-IntercomContact shows them: one note property per attribute, so Select-Object,
/// Format-* and Export-Csv read them as they read any object, and an indexer, so <c>$contact.Attributes['name']</c>
/// works too. It has no public properties of its own, and is not a collection, so nothing else turns up as a column.
/// </summary>
public sealed class ContactAttributes
{
    private readonly Dictionary<string, object?> _values;

    private ContactAttributes(Dictionary<string, object?> values) => _values = values;

    /// <summary>The attribute's value, or null when the contact does not have it.</summary>
    public object? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Whether the contact has the attribute at all (as the dictionary this replaced answered).</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>The wrapped object PowerShell sees: the attributes as note properties, in the order Intercom sent
    /// them.</summary>
    internal static PSObject Create(IEnumerable<KeyValuePair<string, object?>> attributes)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var output = new PSObject(new ContactAttributes(values));
        foreach (var pair in attributes)
        {
            values[pair.Key] = pair.Value;
            output.Properties.Add(new PSNoteProperty(pair.Key, pair.Value));
        }

        return output;
    }

    public override string ToString() => "@{" + string.Join("; ", _values.Select(p => $"{p.Key}={p.Value}")) + "}";
}
