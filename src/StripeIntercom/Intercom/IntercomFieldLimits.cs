using System;

namespace StripeIntercom.Intercom;

/// <summary>
/// The lengths Intercom accepts, in one place. Intercom does not publish a limit per field; what it enforces
/// in practice is 255 characters for a text attribute, standard or custom (its data attributes are
/// varchar(255)), and an email address must be a valid address: at most 254 characters (RFC 5321's path
/// limit) with a local part of at most 64. Free text is cut to fit, as a support agent is better served by
/// the first 255 characters than by no contact; an identifier or an email is never cut, because a cut one
/// names somebody else: Intercom refuses it and that customer fails with an error naming the field.
/// </summary>
public static class IntercomFieldLimits
{
    /// <summary>Contact name (free text: cut).</summary>
    public const int ContactName = 255;

    /// <summary>A string custom attribute of a contact or a company (cut).</summary>
    public const int CustomAttributeString = 255;

    /// <summary>Company name (cut).</summary>
    public const int CompanyName = 255;

    /// <summary>Company plan name (cut).</summary>
    public const int CompanyPlan = 255;

    /// <summary>
    /// <paramref name="value"/> cut to at most <paramref name="limit"/> UTF-16 code units (so also at most that
    /// many characters as Intercom counts them), never halving a surrogate pair. Null stays null.
    /// </summary>
    public static string? Cut(string? value, int limit)
    {
        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit));
        }

        if (value is null || value.Length <= limit)
        {
            return value;
        }

        var length = char.IsHighSurrogate(value[limit - 1]) ? limit - 1 : limit;
        return value.Substring(0, length);
    }
}
