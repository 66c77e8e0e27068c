namespace StripeIntercom.Intercom;

/// <summary>Where the Intercom workspace is hosted; each region has its own API host.</summary>
public enum IntercomRegion
{
    US,
    EU,
    AU,
}
