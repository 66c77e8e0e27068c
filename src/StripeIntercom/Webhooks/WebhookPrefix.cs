using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace StripeIntercom.Webhooks;

/// <summary>
/// A listener prefix, http://HOST:PORT/PATH/, parsed: where to bind, and which request paths it serves.
/// </summary>
internal sealed class WebhookPrefix
{
    private const string Example = "for example http://127.0.0.1:8080/ or http://+:8080/stripe/";

    private WebhookPrefix(string text, string host, int port, string path)
    {
        Text = text;
        Host = host;
        Port = port;
        Path = path;
    }

    /// <summary>The prefix as given.</summary>
    public string Text { get; }

    /// <summary>An IP address, localhost, a host name, or + or * for every interface.</summary>
    public string Host { get; }

    /// <summary>0 picks a free port.</summary>
    public int Port { get; }

    /// <summary>Starts and ends with /; with another path than /, only that path is served.</summary>
    public string Path { get; }

    /// <exception cref="ArgumentException">Not an http:// URL ending with / (ParamName is prefix).</exception>
    public static WebhookPrefix Parse(string prefix)
    {
        if (string.IsNullOrEmpty(prefix) || !prefix.EndsWith("/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The listener prefix must be a URL ending with '/', {Example}.",
                nameof(prefix));
        }

        if (prefix.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                "The listener serves plain http: terminate TLS in front of it (a reverse proxy or tunnel) and give an "
                + "http:// prefix.", nameof(prefix));
        }

        if (!prefix.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The listener prefix must start with http://, {Example}.", nameof(prefix));
        }

        var rest = prefix.Substring("http://".Length);
        var slash = rest.IndexOf('/');
        var authority = rest.Substring(0, slash);
        var path = rest.Substring(slash);
        string host;
        var portText = "80";
        if (authority.StartsWith("[", StringComparison.Ordinal))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                throw new ArgumentException($"The listener prefix has a malformed IPv6 address, {Example}.",
                    nameof(prefix));
            }

            host = authority.Substring(1, close - 1);
            if (close + 1 < authority.Length)
            {
                if (authority[close + 1] != ':')
                {
                    throw new ArgumentException($"The listener prefix is malformed, {Example}.", nameof(prefix));
                }

                portText = authority.Substring(close + 2);
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority.Substring(0, colon) : authority;
            if (colon >= 0)
            {
                portText = authority.Substring(colon + 1);
            }
        }

        if (host.Length == 0
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535
            || path.IndexOf('?') >= 0 || path.IndexOf('#') >= 0)
        {
            throw new ArgumentException($"The listener prefix is malformed, {Example}.", nameof(prefix));
        }

        return new WebhookPrefix(prefix, host, port, path);
    }

    /// <summary>
    /// True when a request for <paramref name="requestPath"/> is served (any path when the prefix's is /).
    /// </summary>
    public bool Serves(string requestPath) =>
        Path == "/" || string.Equals(requestPath.TrimEnd('/'), Path.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>The URL a listener bound to <paramref name="bound"/> for this prefix is reached at.</summary>
    public Uri UrlFor(IPEndPoint bound)
    {
        var shownHost = bound.Address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{bound.Address}]"
            : bound.Address.ToString();
        return new Uri($"http://{shownHost}:{bound.Port.ToString(CultureInfo.InvariantCulture)}{Path}");
    }

    /// <summary>The address to bind.</summary>
    /// <exception cref="InvalidOperationException">The host does not resolve.</exception>
    public IPAddress ResolveAddress()
    {
        if (Host == "+" || Host == "*")
        {
            return IPAddress.Any;
        }

        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(Host, out var address))
        {
            return address;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(Host);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
        }
        catch (Exception ex) when (ex is SocketException || ex is InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Cannot listen on {Host}: it does not resolve to an address of this machine.", ex);
        }
    }

    public override string ToString() => Text;
}
