using System.Net;
using System.Security;

namespace StripeIntercom.Connection;

public static class SecureStringExtensions
{
    /// <summary>The plain text, for the one place it is needed: the Authorization header.</summary>
    public static string? ToPlainText(this SecureString? value) =>
        value is null ? null : new NetworkCredential(string.Empty, value).Password;
}
