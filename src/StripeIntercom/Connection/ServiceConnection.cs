using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;

namespace StripeIntercom.Connection
{
    /// <summary>
    /// Checked credentials and endpoints for both services. It holds settings, not clients: each operation
    /// makes its own Stripe reader and Intercom client with its own logger and counters, each behind the
    /// retry and pacing handlers. The rate-limit budgets live here, once per connection, so every operation
    /// of the session shares them as the services' limits are shared.
    /// </summary>
    public sealed class ServiceConnection
    {
        // Below the 100 s HttpClient timeout of both clients, which would otherwise look like a cancellation.
        private static readonly TimeSpan OverallTimeout = TimeSpan.FromSeconds(90);

        private ServiceConnection(StripeSettings stripe, IntercomSettings intercom, ConnectionInfo info)
        {
            Stripe = stripe;
            Intercom = intercom;
            Info = info;
            StripeBudget = RateLimitBudget.ForStripe(testMode: info.StripeMode != "Live");
            IntercomBudget = RateLimitBudget.ForIntercom();
        }

        public StripeSettings Stripe { get; }
        public IntercomSettings Intercom { get; }
        public ConnectionInfo Info { get; }
        public RateLimitBudget StripeBudget { get; }
        public RateLimitBudget IntercomBudget { get; }

        public StripeCustomerReader CreateStripeReader(ILogger? logger, ResilienceCounters? counters = null)
        {
            var options = ResilienceOptions.ForStripe();
            options.OverallTimeout = OverallTimeout;
            var settings = new StripeSettings
            {
                ApiKey = Stripe.ApiKey,
                ApiBase = Stripe.ApiBase,
                InnerHandler = ResilientHandlerFactory.Create(options, StripeBudget, counters ?? new ResilienceCounters(), logger),
            };
            return new StripeCustomerReader(settings, logger);
        }

        /// <param name="budget">A tighter budget for this operation (-MaxRequestsPerWindow); the connection's by default.</param>
        public IntercomClient CreateIntercomClient(ILogger? logger, ResilienceCounters? counters = null, RateLimitBudget? budget = null)
        {
            var options = ResilienceOptions.ForIntercom();
            options.OverallTimeout = OverallTimeout;
            var settings = new IntercomSettings
            {
                AccessToken = Intercom.AccessToken,
                Region = Intercom.Region,
                ApiBase = Intercom.ApiBase,
                InnerHandler = ResilientHandlerFactory.Create(options, budget ?? IntercomBudget, counters ?? new ResilienceCounters(), logger),
            };
            return new IntercomClient(settings, logger);
        }

        /// <summary>Checks both credentials with one cheap call each, at the same time, and says which failed.</summary>
        public static async Task<ServiceConnection> OpenAsync(ConnectionOptions options, ILogger? logger, CancellationToken cancellationToken)
        {
            options.EnsureSafeBases();
            var missing = options.StripeApiKey is null && options.IntercomAccessToken is null ? "Stripe and Intercom"
                : options.StripeApiKey is null ? "Stripe"
                : options.IntercomAccessToken is null ? "Intercom"
                : null;
            if (missing is not null)
            {
                throw new ConnectionFailedException(missing, MissingCredentialMessage(options));
            }

            var stripe = new StripeSettings { ApiKey = options.StripeApiKey!, ApiBase = options.StripeApiBase };
            var intercom = new IntercomSettings
            {
                AccessToken = options.IntercomAccessToken!,
                Region = options.IntercomRegion ?? IntercomRegion.US,
                ApiBase = options.IntercomApiBase,
            };

            var stripeCheck = CheckStripeAsync(stripe, logger, cancellationToken);
            var intercomCheck = CheckIntercomAsync(intercom, logger, cancellationToken);
            var stripeError = await stripeCheck.ConfigureAwait(false);
            var (workspace, intercomError) = await intercomCheck.ConfigureAwait(false);

            if (stripeError is not null && intercomError is not null)
            {
                throw new ConnectionFailedException("Stripe and Intercom", stripeError.Message + " " + intercomError.Message, stripeError,
                    Rejected(stripeError) || Rejected(intercomError));
            }

            if (stripeError is not null)
            {
                throw new ConnectionFailedException("Stripe", stripeError.Message, stripeError, Rejected(stripeError));
            }

            if (intercomError is not null)
            {
                throw new ConnectionFailedException("Intercom", intercomError.Message, intercomError, Rejected(intercomError));
            }

            var info = new ConnectionInfo
            {
                StripeMode = StripeKeyMode(options.StripeApiKey!),
                StripeApiBase = (options.StripeApiBase ?? new Uri("https://api.stripe.com/")).ToString(),
                IntercomRegion = intercom.Region,
                IntercomApiBase = intercom.ResolveApiBase().ToString(),
                IntercomWorkspace = workspace,
                ConnectedAt = DateTimeOffset.Now,
            };
            return new ServiceConnection(stripe, intercom, info);
        }

        private static async Task<Exception?> CheckStripeAsync(StripeSettings settings, ILogger? logger, CancellationToken cancellationToken)
        {
            try
            {
                using var reader = new StripeCustomerReader(settings, logger);
                await reader.VerifyCredentialsAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (StripeCredentialsException ex)
            {
                return new Exception(
                    $"Stripe rejected the secret key (401). Check -StripeApiKey or {ConnectionOptions.StripeKeyVariable}.", ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new Exception($"Stripe could not be reached at {settings.ApiBase?.ToString() ?? "api.stripe.com"}: {ex.Message}", ex);
            }
        }

        private static async Task<(string? Workspace, Exception? Error)> CheckIntercomAsync(IntercomSettings settings, ILogger? logger, CancellationToken cancellationToken)
        {
            try
            {
                using var client = new IntercomClient(settings, logger);
                var me = await client.GetMeAsync(cancellationToken).ConfigureAwait(false);
                return (me.Workspace?.Name, null);
            }
            catch (IntercomAuthenticationException ex)
            {
                return (null, new Exception(
                    $"Intercom rejected the access token (401). Check -IntercomAccessToken or {ConnectionOptions.IntercomTokenVariable}.", ex));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return (null, new Exception($"Intercom could not be reached at {settings.ResolveApiBase()}: {ex.Message}", ex));
            }
        }

        private static bool Rejected(Exception checkError) =>
            checkError.InnerException is StripeCredentialsException || checkError.InnerException is IntercomAuthenticationException;

        private static string MissingCredentialMessage(ConnectionOptions options)
        {
            var parts = new System.Collections.Generic.List<string>();
            if (options.StripeApiKey is null)
            {
                parts.Add($"No Stripe secret key: pass -StripeApiKey, set {ConnectionOptions.StripeKeyVariable}, or name a .env file with -EnvFile.");
            }

            if (options.IntercomAccessToken is null)
            {
                parts.Add($"No Intercom access token: pass -IntercomAccessToken, set {ConnectionOptions.IntercomTokenVariable}, or name a .env file with -EnvFile.");
            }

            return string.Join(" ", parts);
        }

        private static string StripeKeyMode(string key) =>
            key.IndexOf("_live_", StringComparison.Ordinal) >= 0 ? "Live" : "Test";
    }
}
