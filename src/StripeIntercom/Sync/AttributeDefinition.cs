using System;
using System.Globalization;
using System.Threading;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;

namespace StripeIntercom.Sync;

/// <summary>
/// One Intercom custom attribute and how to compute it from a profile. Values are normalised to what Intercom
/// stores: dates as Unix seconds, floats rounded to 2 decimals, strings cut to 255 characters.
/// </summary>
public sealed class AttributeDefinition
{
    /// <summary>Intercom's limit for a string custom attribute value.</summary>
    public const int MaxStringLength = IntercomFieldLimits.CustomAttributeString;

    private readonly IntercomDataType? _declaredType;
    // -1 until a computed attribute without a declared type sees its first non-null value.
    private int _inferredType = -1;

    public AttributeDefinition(string name, IntercomDataType dataType, string description,
        Func<CustomerProfile, object?> value)
        : this(name, (IntercomDataType?)dataType, description, value)
    {
    }

    /// <summary>
    /// A null <paramref name="dataType"/> means "take it from the first non-null value": bool -> boolean,
    /// whole numbers -> integer (date when the name ends in _at), other numbers -> float, DateTime/DateTimeOffset ->
    /// date, anything else -> string. Until then the attribute is neither created nor sent.
    /// </summary>
    public AttributeDefinition(string name, IntercomDataType? dataType, string description,
        Func<CustomerProfile, object?> value)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("An attribute needs a name.", nameof(name));
        }

        if (name.IndexOf('.') >= 0)
        {
            throw new ArgumentException($"Attribute name '{name}' may not contain '.': Intercom reads it as nesting.",
                nameof(name));
        }

        Name = name;
        _declaredType = dataType;
        Description = description ?? "";
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    public string Name { get; }

    /// <summary>
    /// The name this attribute has in <see cref="AttributeMap.Default"/>'s catalog, kept through renames; null for a
    /// computed attribute. The company sync picks its attributes from the catalog by this name.
    /// </summary>
    public string? CatalogName { get; set; }

    /// <summary>The Intercom data type; null while an inferring attribute has seen no value yet.</summary>
    public IntercomDataType? DataType
    {
        get
        {
            if (_declaredType != null)
            {
                return _declaredType;
            }

            var inferred = Volatile.Read(ref _inferredType);
            return inferred < 0 ? (IntercomDataType?)null : (IntercomDataType)inferred;
        }
    }

    public bool InfersType => _declaredType == null;
    public string Description { get; }
    public Func<CustomerProfile, object?> Value { get; }

    /// <summary>Computes and normalises the value for one profile.</summary>
    public object? Evaluate(CustomerProfile profile)
    {
        object? raw;
        try
        {
            raw = Value(profile);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"Attribute '{Name}' could not be computed for customer {profile.Id}: {e.Message}", e);
        }
        if (raw == null)
        {
            return null;
        }

        var type = DataType;
        if (type == null)
        {
            Interlocked.CompareExchange(ref _inferredType, (int)InferType(raw, Name), -1);
            type = DataType!.Value;
        }
        return Normalize(raw, type.Value, Name);
    }

    /// <summary>
    /// A fact about a live customer (balance, card, invoices) that a deleted customer's contact keeps as it
    /// was: Stripe no longer reports it, and "unknown" is not "none".
    /// </summary>
    public bool KeptWhenDeleted { get; set; }

    /// <summary>What the sync itself relies on this attribute for, whatever it is renamed to.</summary>
    public AttributeRole Role { get; set; }

    public AttributeDefinition WithName(string name)
    {
        var copy = new AttributeDefinition(name, _declaredType, Description, Value)
        {
            KeptWhenDeleted = KeptWhenDeleted,
            Role = Role,
            CatalogName = CatalogName
        };
        copy._inferredType = Volatile.Read(ref _inferredType);
        return copy;
    }

    public static IntercomDataType InferType(object value, string name)
    {
        switch (value)
        {
            case bool _: return IntercomDataType.Boolean;
            case DateTime _:
            case DateTimeOffset _: return IntercomDataType.Date;
            case byte _:
            case sbyte _:
            case short _:
            case ushort _:
            case int _:
            case uint _:
            case long _:
            case ulong _:
                return name.EndsWith("_at", StringComparison.Ordinal) ? IntercomDataType.Date
                    : IntercomDataType.Integer;
            case float _: case double _: case decimal _: return IntercomDataType.Float;
            default: return IntercomDataType.String;
        }
    }

    public static object? Normalize(object? value, IntercomDataType type, string name)
    {
        if (value == null)
        {
            return null;
        }

        try
        {
            switch (type)
            {
                case IntercomDataType.Date:
                    if (value is DateTimeOffset dto)
                    {
                        return dto.ToUnixTimeSeconds();
                    }

                    if (value is DateTime dt)
                    {
                        return new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified
                            ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt).ToUnixTimeSeconds();
                    }

                    if (value is string s
                        && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal,
                        out var parsed))
                    {
                        return parsed.ToUnixTimeSeconds();
                    }

                    return Convert.ToInt64(value, CultureInfo.InvariantCulture);
                case IntercomDataType.Integer:
                    if (value is bool)
                    {
                        throw new InvalidCastException();
                    }

                    if (value is DateTimeOffset idto)
                    {
                        return idto.ToUnixTimeSeconds();
                    }

                    return Convert.ToInt64(value, CultureInfo.InvariantCulture);
                case IntercomDataType.Float:
                    if (value is bool)
                    {
                        throw new InvalidCastException();
                    }

                    return Math.Round(Convert.ToDecimal(value, CultureInfo.InvariantCulture), 2,
                        MidpointRounding.AwayFromZero);
                case IntercomDataType.Boolean:
                    if (value is bool b)
                    {
                        return b;
                    }

                    if (value is string bs)
                    {
                        return bool.Parse(bs);
                    }

                    throw new InvalidCastException();
                default:
                    var text = value is DateTimeOffset sdto ? sdto.ToString("o", CultureInfo.InvariantCulture)
                        : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                    return Truncate(text);
            }
        }
        catch (Exception e) when (e is FormatException || e is InvalidCastException || e is OverflowException)
        {
            throw new InvalidOperationException(
                $"Attribute '{name}' is {type.ToWireName()} and cannot hold '{value}' ({value.GetType().Name}).", e);
        }
    }

    private static string Truncate(string text) => IntercomFieldLimits.Cut(text, MaxStringLength)!;

    public override string ToString() => $"{Name} ({DataType?.ToWireName() ?? "inferred"})";
}
