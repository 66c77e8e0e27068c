using System;

namespace StripeIntercom.Sync;

/// <summary>The workspace already has an attribute of this name with another type; Intercom cannot change a
/// type.</summary>
public sealed class DataAttributeConflictException : Exception
{
    public DataAttributeConflictException(string name, string? existingType, string wantedType)
        : base($"Intercom attribute '{name}' already exists as {existingType ?? "(unknown type)"}, but the map wants " +
            $"{wantedType}. " +
               "Rename the attribute in the map or remove the existing one in Intercom.")
    {
        Name = name;
        ExistingType = existingType;
        WantedType = wantedType;
    }

    public string Name { get; }
    public string? ExistingType { get; }
    public string WantedType { get; }
}
