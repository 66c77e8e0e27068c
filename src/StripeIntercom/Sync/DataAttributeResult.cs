using StripeIntercom.Intercom;

namespace StripeIntercom.Sync;

public sealed class DataAttributeResult
{
    public DataAttributeResult(string name, IntercomDataType? dataType, DataAttributeAction action)
    {
        Name = name;
        DataType = dataType;
        Action = action;
    }

    public string Name { get; }
    public IntercomDataType? DataType { get; }
    public DataAttributeAction Action { get; }

    public override string ToString() => $"{Name} ({DataType?.ToWireName() ?? "?"}) {Action}";
}
