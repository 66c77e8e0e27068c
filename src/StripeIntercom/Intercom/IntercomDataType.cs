namespace StripeIntercom.Intercom;

/// <summary>The data_type of an Intercom custom attribute. Dates travel as Unix seconds.</summary>
public enum IntercomDataType
{
    String,
    Integer,
    Float,
    Boolean,
    Date,
}

public static class IntercomDataTypes
{
    public static string ToWireName(this IntercomDataType type) => type.ToString().ToLowerInvariant();

    /// <summary>Parses Intercom's data_type; "datetime" is what the create request also accepts for a date.</summary>
    public static IntercomDataType? FromWireName(string? name)
    {
        switch (name?.ToLowerInvariant())
        {
            case "string": return IntercomDataType.String;
            case "integer": return IntercomDataType.Integer;
            case "float": return IntercomDataType.Float;
            case "boolean": return IntercomDataType.Boolean;
            case "date":
            case "datetime": return IntercomDataType.Date;
            default: return null;
        }
    }
}
