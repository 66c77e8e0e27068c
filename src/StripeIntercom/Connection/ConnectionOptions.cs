using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;

namespace StripeIntercom.Connection;

/// <summary>
/// Where the module finds its credentials and endpoints. Each service's key and API base come from one
/// place: the explicit values, else the .env file named by -EnvFile, else the process environment. A base
/// is only ever used with the key found beside it, so a stray STRIPE_API_BASE can never redirect a key
/// that came from somewhere else. No .env file is read unless it is named.
/// </summary>
public sealed class ConnectionOptions
{
    public const string StripeKeyVariable = "STRIPE_SECRET_KEY";
    public const string IntercomTokenVariable = "INTERCOM_ACCESS_TOKEN";
    public const string StripeApiBaseVariable = "STRIPE_API_BASE";
    public const string IntercomApiBaseVariable = "INTERCOM_API_BASE";
    public const string IntercomRegionVariable = "INTERCOM_REGION";

    internal const string ExplicitSource = "the parameters";
    internal const string EnvironmentSource = "the environment";
    private static readonly Uri StripeDefaultBase = new StripeSettings().ResolveApiBase();

    private List<string> _warnings = new List<string>();

    public string? StripeApiKey { get; set; }
    public string? IntercomAccessToken { get; set; }
    public Uri? StripeApiBase { get; set; }
    public Uri? IntercomApiBase { get; set; }
    public IntercomRegion? IntercomRegion { get; set; }

    /// <summary>Where the Stripe key (and its base) came from, after <see cref="WithDefaultsFrom"/>; null when there is
    /// none.</summary>
    public string? StripeSource { get; private set; }

    /// <summary>Where the Intercom token (and its base) came from, after <see cref="WithDefaultsFrom"/>; null when
    /// there is none.</summary>
    public string? IntercomSource { get; private set; }

    /// <summary>
    /// What the caller should say once, as warnings, when it connects: an API base that points away from the
    /// service's own host, and bases ignored because no key stood beside them. Never holds a secret.
    /// </summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The settings of a session that was not connected explicitly: the environment only.</summary>
    public static ConnectionOptions FromEnvironment(IDictionary environment) =>
        new ConnectionOptions().WithDefaultsFrom(environment, null);

    /// <summary>
    /// Fills each service's key and API base from the first place that holds its key: the explicit values,
    /// then <paramref name="envFilePath"/> when given, then <paramref name="environment"/>.
    /// </summary>
    /// <exception cref="FormatException">A malformed .env line, URL or region, an http base for another machine, or an
    /// explicit base without its key.</exception>
    /// <exception cref="FileNotFoundException">The named .env file does not exist.</exception>
    public ConnectionOptions WithDefaultsFrom(IDictionary environment, string? envFilePath)
    {
        if (environment == null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        var sources = new List<Source>();
        if (envFilePath is not null)
        {
            if (!File.Exists(envFilePath))
            {
                throw new FileNotFoundException($"The .env file '{envFilePath}' does not exist.", envFilePath);
            }

            var file = DotEnvFile.Read(envFilePath);
            sources.Add(
                new Source($"the .env file '{envFilePath}'",
                name => file.TryGetValue(name, out var value) ? value : null));
        }

        sources.Add(new Source(EnvironmentSource, name => environment[name] as string));

        var result = new ConnectionOptions();
        var stripe = Resolve(result, "Stripe", StripeApiKey, StripeApiBase, "-StripeApiKey", "-StripeApiBase",
            StripeKeyVariable, StripeApiBaseVariable, sources);
        var intercom = Resolve(result, "Intercom", IntercomAccessToken, IntercomApiBase, "-IntercomAccessToken",
            "-IntercomApiBase", IntercomTokenVariable, IntercomApiBaseVariable, sources);

        result.StripeApiKey = stripe.Key;
        result.StripeApiBase = stripe.Base;
        result.StripeSource = stripe.Origin;
        result.IntercomAccessToken = intercom.Key;
        result.IntercomApiBase = intercom.Base;
        result.IntercomSource = intercom.Origin;

        // The region only picks one of Intercom's own https hosts, so it cannot send the token elsewhere:
        // the parameter, else the token's own source, else any source.
        result.IntercomRegion = IntercomRegion
            ?? ParseRegion(intercom.Source?.Get(IntercomRegionVariable))
            ?? ParseRegion(FirstValue(sources, IntercomRegionVariable));

        result.AnnounceOverride("Stripe", stripe, StripeDefaultBase);
        var regionHost =
            new IntercomSettings { Region = result.IntercomRegion ?? Intercom.IntercomRegion.US }.ResolveApiBase();
        result.AnnounceOverride("Intercom", intercom, regionHost);
        return result;
    }

    /// <summary>
    /// Refuses a base that would send a key in clear text to another machine (http off loopback) or that carries
    /// a user name or password, however the options were made. <see cref="WithDefaultsFrom"/> checks this
    /// already; <see cref="ServiceConnection.OpenAsync"/> checks it again for options built by hand.
    /// </summary>
    /// <exception cref="FormatException">Such a base.</exception>
    public void EnsureSafeBases()
    {
        if (StripeApiBase is not null)
        {
            CheckBase(StripeApiBase, StripeApiBaseVariable, StripeSource ?? ExplicitSource);
        }

        if (IntercomApiBase is not null)
        {
            CheckBase(IntercomApiBase, IntercomApiBaseVariable, IntercomSource ?? ExplicitSource);
        }
    }

    private static Resolution Resolve(
        ConnectionOptions result, string service, string? explicitKey, Uri? explicitBase,
        string keyParameter, string baseParameter, string keyVariable, string baseVariable, List<Source> sources)
    {
        Resolution? found = null;
        if (!string.IsNullOrWhiteSpace(explicitKey))
        {
            found = new Resolution(explicitKey,
                explicitBase is null ? null : CheckBase(explicitBase, baseParameter, ExplicitSource), ExplicitSource,
                null);
        }
        else if (explicitBase is not null)
        {
            throw new FormatException(
                $"{baseParameter} was given without {keyParameter}. An API base is only used with a key given the " +
                "same way, " +
                $"so that a {service} key from elsewhere is never sent to it.");
        }

        foreach (var source in sources)
        {
            var key = source.Get(keyVariable);
            var baseText = source.Get(baseVariable);
            if (found is null && key is not null)
            {
                var uri = baseText is null ? null
                    : CheckBase(ParseUri(baseText, baseVariable, source.Name), baseVariable, source.Name);
                found = new Resolution(key, uri, source.Name, source);
            }
            else if (baseText is not null)
            {
                result._warnings.Add(found is null
                    ? $"{baseVariable} in {source.Name} is ignored: there is no {keyVariable} beside it, and an API " +
                        "base is only used with the key from the same place."
                    : $"{baseVariable} in {source.Name} is ignored: the {service} key comes from " +
                        $"{found.Value.Origin}, and an API base is only used with the key from the same place.");
            }
        }

        return found ?? new Resolution(null, null, null, null);
    }

    private void AnnounceOverride(string service, Resolution resolution, Uri serviceHost)
    {
        if (resolution.Base is null || resolution.Key is null)
        {
            return;
        }

        var normalised = resolution.Base.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? resolution.Base
            : new Uri(resolution.Base.AbsoluteUri + "/");
        if (Uri.Compare(normalised, serviceHost, UriComponents.SchemeAndServer | UriComponents.Path,
            UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            return;
        }

        _warnings.Add(
            $"The {service} API base is overridden: requests and the {service} credential go to " +
            $"{Display(resolution.Base)} (from {resolution.Origin}), not {Display(serviceHost)}.");
    }

    /// <summary>A base that is not this machine must be https: over http the key would cross the network in
    /// clear.</summary>
    private static Uri CheckBase(Uri uri, string name, string origin)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"{name} (from {origin}) must be an absolute http or https URL.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new FormatException($"{name} (from {origin}) must not carry a user name or password.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new FormatException(
                $"{name} (from {origin}) is http for {uri.Host}, which is not this machine: the key would cross the " +
                "network unencrypted. Use https (http is accepted for loopback addresses only).");
        }

        return uri;
    }

    /// <summary>Scheme, host and port only: nothing after them can leak.</summary>
    internal static string Display(Uri uri) => $"{uri.Scheme}://{uri.Host}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}/";

    private static string? FirstValue(List<Source> sources, string name)
    {
        foreach (var source in sources)
        {
            var value = source.Get(name);
            if (value is not null)
            {
                return value;
            }
        }

        return null;
    }

    private static Uri ParseUri(string value, string variable, string origin)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // The value is not repeated: a misplaced secret must not end up in an error.
            throw new FormatException($"{variable} (from {origin}) must be an absolute http or https URL.");
        }

        return uri;
    }

    private static IntercomRegion? ParseRegion(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (Enum.TryParse<IntercomRegion>(value.Trim(), ignoreCase: true, out var region)
            && Enum.IsDefined(typeof(IntercomRegion), region))
        {
            return region;
        }

        throw new FormatException($"{IntercomRegionVariable} must be US, EU or AU.");
    }

    private sealed class Source
    {
        private readonly Func<string, string?> _lookup;

        public Source(string name, Func<string, string?> lookup)
        {
            Name = name;
            _lookup = lookup;
        }

        public string Name { get; }

        /// <summary>The value, or null when absent or blank.</summary>
        public string? Get(string variable)
        {
            var value = _lookup(variable);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }
    }

    private readonly struct Resolution
    {
        public Resolution(string? key, Uri? @base, string? origin, Source? source)
        {
            Key = key;
            Base = @base;
            Origin = origin;
            Source = source;
        }

        public string? Key { get; }
        public Uri? Base { get; }
        public string? Origin { get; }
        public Source? Source { get; }
    }
}
