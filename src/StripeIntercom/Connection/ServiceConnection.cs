using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;

namespace StripeIntercom.Connection;

/// <summary>
/// Checked credentials and endpoints for both services, and what they share: one connection pool per service
/// (<see cref="SharedTransport"/>, recycled every <see cref="PoolLifetime"/> and closed by <see cref="Dispose"/>) and
/// one rate-limit budget per service. Each operation makes its own Stripe reader and Intercom client, with its own
/// logger, counters and circuit, over those pools; disposing the reader or client releases its handlers, not the pool.
/// </summary>
public sealed class ServiceConnection : IDisposable
{
    /// <summary>How long one set of pooled connections serves new requests before it is replaced.</summary>
    public static readonly TimeSpan PoolLifetime = TimeSpan.FromMinutes(10);

    // Below the 100 s HttpClient timeout of both clients, which would otherwise look like a cancellation.
    private static readonly TimeSpan OverallTimeout = TimeSpan.FromSeconds(90);

    private readonly SharedTransport _stripeTransport;
    private readonly SharedTransport _intercomTransport;

    private ServiceConnection(StripeSettings stripe, IntercomSettings intercom, string stripeMode)
    {
        Stripe = stripe;
        Intercom = intercom;
        StripeBudget = RateLimitBudget.ForStripe(testMode: stripeMode != "Live");
        IntercomBudget = RateLimitBudget.ForIntercom();
        _stripeTransport = new SharedTransport(PoolLifetime);
        _intercomTransport = new SharedTransport(PoolLifetime);
        Info = new ConnectionInfo { StripeMode = stripeMode, IntercomRegion = intercom.Region };
    }

    // The settings hold the key and the token: kept here, never exposed, so nothing that holds the connection can read
    // them.
    private StripeSettings Stripe { get; }
    private IntercomSettings Intercom { get; }
    public ConnectionInfo Info { get; private set; }
    public RateLimitBudget StripeBudget { get; }
    public RateLimitBudget IntercomBudget { get; }

    public StripeCustomerReader CreateStripeReader(ILogger? logger, ResilienceCounters? counters = null) =>
        CreateStripeReader(logger, counters, WithOverallTimeout(ResilienceOptions.ForStripe()));

    /// <param name="budget">A tighter budget for this operation (-MaxRequestsPerWindow); the connection's by
    /// default.</param>
    public IntercomClient CreateIntercomClient(ILogger? logger, ResilienceCounters? counters = null,
        RateLimitBudget? budget = null) =>
        CreateIntercomClient(logger, counters, budget, WithOverallTimeout(ResilienceOptions.ForIntercom()));

    /// <summary>
    /// Checks both credentials with one cheap call each, at the same time, and says which failed. The checks go through
    /// the same retries as everything else (a blip does not fail a scheduled run; a rejected credential is never
    /// retried) and give up after <see cref="ConnectTimeout"/>, naming the service and the URL.
    /// </summary>
    /// <exception cref="ConnectionFailedException">A credential is missing or rejected, or a service cannot be
    /// reached.</exception>
    public static async Task<ServiceConnection> OpenAsync(ConnectionOptions options, ILogger? logger,
        CancellationToken cancellationToken)
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

        var connection = new ServiceConnection(stripe, intercom, StripeKeyMode(options.StripeApiKey!));
        try
        {
            var stripeCheck = connection.CheckStripeAsync(logger, cancellationToken);
            var intercomCheck = connection.CheckIntercomAsync(logger, cancellationToken);
            var stripeError = await stripeCheck.ConfigureAwait(false);
            var (workspace, intercomError) = await intercomCheck.ConfigureAwait(false);

            if (stripeError is not null && intercomError is not null)
            {
                throw new ConnectionFailedException("Stripe and Intercom",
                    stripeError.Message + " " + intercomError.Message, stripeError,
                    Rejected(stripeError) || Rejected(intercomError));
            }

            if (stripeError is not null)
            {
                throw new ConnectionFailedException("Stripe", stripeError.Message, stripeError, Rejected(stripeError));
            }

            if (intercomError is not null)
            {
                throw new ConnectionFailedException("Intercom", intercomError.Message, intercomError,
                    Rejected(intercomError));
            }

            connection.Info = new ConnectionInfo
            {
                StripeMode = connection.Info.StripeMode,
                StripeApiBase = stripe.ResolveApiBase().ToString(),
                IntercomRegion = intercom.Region,
                IntercomApiBase = intercom.ResolveApiBase().ToString(),
                IntercomWorkspace = workspace,
                ConnectedAt = DateTimeOffset.Now,
            };
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>How long Connect waits for either service before it says which one cannot be reached.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Closes both connection pools; readers and clients made from this connection stop working.</summary>
    public void Dispose()
    {
        _stripeTransport.Dispose();
        _intercomTransport.Dispose();
    }

    private StripeCustomerReader CreateStripeReader(ILogger? logger, ResilienceCounters? counters,
        ResilienceOptions options)
    {
        var settings = new StripeSettings
        {
            ApiKey = Stripe.ApiKey,
            ApiBase = Stripe.ApiBase,
            InnerHandler =
                ResilientHandlerFactory.Create(options, StripeBudget, counters ?? new ResilienceCounters(), logger,
                _stripeTransport.CreateHandler()),
        };
        return new StripeCustomerReader(settings, logger);
    }

    private IntercomClient CreateIntercomClient(ILogger? logger, ResilienceCounters? counters, RateLimitBudget? budget,
        ResilienceOptions options)
    {
        var settings = new IntercomSettings
        {
            AccessToken = Intercom.AccessToken,
            Region = Intercom.Region,
            ApiBase = Intercom.ApiBase,
            InnerHandler = ResilientHandlerFactory.Create(options, budget ?? IntercomBudget,
                counters ?? new ResilienceCounters(), logger,
                _intercomTransport.CreateHandler()),
            DisposeInnerHandler = true,
        };
        return new IntercomClient(settings, logger);
    }

    private static ResilienceOptions WithOverallTimeout(ResilienceOptions options)
    {
        options.OverallTimeout = OverallTimeout;
        return options;
    }

    /// <summary>Transient failures are retried a few times within <see cref="ConnectTimeout"/>; no circuit, since two
    /// calls cannot make one.</summary>
    private static ResilienceOptions ForConnect(ResilienceOptions options)
    {
        options.MaxRetries = 3;
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
        options.OverallTimeout = ConnectTimeout;
        options.MaxDelay = TimeSpan.FromSeconds(5);
        options.UseCircuitBreaker = false;
        return options;
    }

    private async Task<Exception?> CheckStripeAsync(ILogger? logger, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = CreateStripeReader(logger, null, ForConnect(ResilienceOptions.ForStripe()));
            await reader.VerifyCredentialsAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (StripeCredentialsException ex)
        {
            return new Exception(
                $"Stripe rejected the secret key (401) at {Stripe.ResolveApiBase()}. Check -StripeApiKey or " +
                $"{ConnectionOptions.StripeKeyVariable}.", ex);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return new Exception($"Stripe could not be reached at {Stripe.ResolveApiBase()}: {Innermost(ex).Message}",
                ex);
        }
    }

    private async Task<(string? Workspace, Exception? Error)> CheckIntercomAsync(ILogger? logger,
        CancellationToken cancellationToken)
    {
        try
        {
            using var client = CreateIntercomClient(logger, null, null, ForConnect(ResilienceOptions.ForIntercom()));
            var me = await client.GetMeAsync(cancellationToken).ConfigureAwait(false);
            return (me.Workspace?.Name, null);
        }
        catch (IntercomAuthenticationException ex)
        {
            return (null, new Exception(
                $"Intercom rejected the access token (401) at {Intercom.ResolveApiBase()}. Check " +
                $"-IntercomAccessToken or {ConnectionOptions.IntercomTokenVariable}.", ex));
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return (null,
                new Exception($"Intercom could not be reached at {Intercom.ResolveApiBase()}: {Innermost(ex).Message}",
                ex));
        }
    }

    /// <summary>The most specific message: Stripe.net and HttpClient wrap what the handlers throw.</summary>
    private static Exception Innermost(Exception error)
    {
        for (var current = error; current != null; current = current.InnerException)
        {
            if (current is ServiceTimeoutException || current is ServiceUnavailableException
                || current is IntercomApiException)
            {
                return current;
            }
        }

        return error;
    }

    private static bool Rejected(Exception checkError) =>
        checkError.InnerException is StripeCredentialsException
            || checkError.InnerException is IntercomAuthenticationException;

    private static string MissingCredentialMessage(ConnectionOptions options)
    {
        var parts = new System.Collections.Generic.List<string>();
        if (options.StripeApiKey is null)
        {
            parts.Add(
                $"No Stripe secret key: pass -StripeApiKey, set {ConnectionOptions.StripeKeyVariable}, or name a " +
                ".env file with -EnvFile.");
        }

        if (options.IntercomAccessToken is null)
        {
            parts.Add(
                "No Intercom access token: pass -IntercomAccessToken, set " +
                $"{ConnectionOptions.IntercomTokenVariable}, or name a .env file with -EnvFile.");
        }

        return string.Join(" ", parts);
    }

    private static string StripeKeyMode(string key) =>
        key.IndexOf("_live_", StringComparison.Ordinal) >= 0 ? "Live" : "Test";
}
