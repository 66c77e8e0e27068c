namespace StripeIntercom.Sync;

/// <summary>One field that differs between what Intercom holds and what Stripe says.</summary>
public sealed class AttributeChange
{
    public AttributeChange(string name, object? oldValue, object? newValue)
    {
        Name = name;
        OldValue = oldValue;
        NewValue = newValue;
    }

    public string Name { get; }
    public object? OldValue { get; }
    public object? NewValue { get; }

    public override string ToString() => $"{Name}: {OldValue ?? "(none)"} -> {NewValue ?? "(none)"}";
}
