using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using StripeIntercom.Intercom;

namespace StripeIntercom.Connection
{
    /// <summary>
    /// Where the module finds its credentials and endpoints. Each value comes from the first source that has it:
    /// an explicit value, then the process environment, then a .env file (the one named, else ./.env if present).
    /// </summary>
    public sealed class ConnectionOptions
    {
        public const string StripeKeyVariable = "STRIPE_SECRET_KEY";
        public const string IntercomTokenVariable = "INTERCOM_ACCESS_TOKEN";
        public const string StripeApiBaseVariable = "STRIPE_API_BASE";
        public const string IntercomApiBaseVariable = "INTERCOM_API_BASE";
        public const string IntercomRegionVariable = "INTERCOM_REGION";

        public string? StripeApiKey { get; set; }
        public string? IntercomAccessToken { get; set; }
        public Uri? StripeApiBase { get; set; }
        public Uri? IntercomApiBase { get; set; }
        public IntercomRegion? IntercomRegion { get; set; }

        /// <summary>Fills every value not given explicitly from the environment, then from the .env file.</summary>
        public ConnectionOptions WithDefaultsFrom(IDictionary environment, string? envFilePath, string currentDirectory)
        {
            var dotEnv = ReadDotEnv(envFilePath, currentDirectory);
            string? Lookup(string name)
            {
                var fromEnvironment = environment[name] as string;
                if (!string.IsNullOrWhiteSpace(fromEnvironment))
                {
                    return fromEnvironment;
                }

                return dotEnv.TryGetValue(name, out var fromFile) && !string.IsNullOrWhiteSpace(fromFile) ? fromFile : null;
            }

            return new ConnectionOptions
            {
                StripeApiKey = StripeApiKey ?? Lookup(StripeKeyVariable),
                IntercomAccessToken = IntercomAccessToken ?? Lookup(IntercomTokenVariable),
                StripeApiBase = StripeApiBase ?? ParseUri(Lookup(StripeApiBaseVariable), StripeApiBaseVariable),
                IntercomApiBase = IntercomApiBase ?? ParseUri(Lookup(IntercomApiBaseVariable), IntercomApiBaseVariable),
                IntercomRegion = IntercomRegion ?? ParseRegion(Lookup(IntercomRegionVariable)),
            };
        }

        private static IReadOnlyDictionary<string, string> ReadDotEnv(string? envFilePath, string currentDirectory)
        {
            if (envFilePath is not null)
            {
                if (!File.Exists(envFilePath))
                {
                    throw new FileNotFoundException($"The .env file '{envFilePath}' does not exist.", envFilePath);
                }

                return DotEnvFile.Read(envFilePath);
            }

            var implicitPath = Path.Combine(currentDirectory, ".env");
            return File.Exists(implicitPath) ? DotEnvFile.Read(implicitPath) : new Dictionary<string, string>();
        }

        private static Uri? ParseUri(string? value, string variable)
        {
            if (value is null)
            {
                return null;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"{variable} must be an absolute http or https URL; '{value}' is not.");
            }

            return uri;
        }

        private static IntercomRegion? ParseRegion(string? value)
        {
            if (value is null)
            {
                return null;
            }

            if (Enum.TryParse<IntercomRegion>(value, ignoreCase: true, out var region))
            {
                return region;
            }

            throw new FormatException($"{IntercomRegionVariable} must be US, EU or AU; '{value}' is not.");
        }
    }
}
