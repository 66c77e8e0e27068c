using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Resilience;

/// <summary>
/// How many requests one service may still take, shared by every concurrent request to that service in the run.
/// Two limits apply before each send:
/// <list type="bullet">
/// <item>a local ceiling: at most <see cref="MaxRequestsPerWindow"/> sends in any interval of <see cref="Window"/>
/// (a sliding log, so it also holds for the server's fixed windows however they are aligned), which protects even
/// when the server sends no rate-limit headers (Stripe) or before the first response arrives;</item>
/// <item>the server's own count: after each response X-RateLimit-Limit, -Remaining and -Reset are read; below the
/// reserve the remaining requests are spread until the reset, at zero (or after a 429) sends wait for the reset.</item>
/// </list>
/// </summary>
public sealed class RateLimitBudget
{
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(1);

    private readonly object _gate = new object();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan[] _recentGrants;
    private readonly TimeSpan _safetyMargin;
    private int _oldestGrantSlot;
    private long _grantCount;
    private TimeSpan _lastGrantAt;
    private TimeSpan _blockedUntil;

    // The server's window as last reported; null once its reset has passed, until a response reports the next one.
    private long? _serverResetUnixSeconds;
    private TimeSpan _serverResetAt;
    private int _serverLimit;
    private int _estimatedRemaining;

    /// <param name="maxRequestsPerWindow">Local ceiling: sends allowed in any interval of <paramref name="window"/>.</param>
    /// <param name="window">Length of the service's rate-limit window (Intercom 10 s, Stripe 1 s).</param>
    /// <param name="reserveFraction">Share of the server's limit below which remaining requests are spread until the reset.</param>
    public RateLimitBudget(int maxRequestsPerWindow, TimeSpan window, double reserveFraction = 0.1)
    {
        if (maxRequestsPerWindow < 1) throw new ArgumentOutOfRangeException(nameof(maxRequestsPerWindow), "At least one request per window is needed.");
        if (window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window), "The window must be positive.");
        if (reserveFraction < 0 || reserveFraction >= 1) throw new ArgumentOutOfRangeException(nameof(reserveFraction), "The reserve must be at least 0 and less than 1.");
        MaxRequestsPerWindow = maxRequestsPerWindow;
        Window = window;
        ReserveFraction = reserveFraction;
        _recentGrants = new TimeSpan[maxRequestsPerWindow];
        // Requests granted a window apart can still reach the server closer together when latencies differ.
        _safetyMargin = TimeSpan.FromTicks(Math.Min(window.Ticks / 10, TimeSpan.FromMilliseconds(500).Ticks));
    }

    public int MaxRequestsPerWindow { get; }
    public TimeSpan Window { get; }
    public double ReserveFraction { get; }

    /// <summary>
    /// Intercom allows 10,000 calls a minute per app, counted in 10-second windows (about 1,666 each); 1,500 leaves
    /// room for the workspace's other integrations and the headers steer the rest.
    /// </summary>
    public static RateLimitBudget ForIntercom() => new RateLimitBudget(1500, TimeSpan.FromSeconds(10));

    /// <summary>Stripe allows 100 requests a second live and 25 in test mode; stay a little below either.</summary>
    public static RateLimitBudget ForStripe(bool testMode) => new RateLimitBudget(testMode ? 20 : 80, TimeSpan.FromSeconds(1));

    /// <summary>Waits until one more request may be sent, then counts it as sent.</summary>
    internal async Task<RateLimitPermit> AcquireAsync(CancellationToken cancellationToken)
    {
        var started = _clock.Elapsed;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan wait;
            lock (_gate)
            {
                var now = _clock.Elapsed;
                ForgetPassedServerWindow(now);
                wait = WaitNeeded(now);
                if (wait <= TimeSpan.Zero) return Grant(now, now - started);
            }
            await Task.Delay(wait < MinimumSleep ? MinimumSleep : wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Learns from a response what the server says is left of its window.</summary>
    internal void Observe(RateLimitPermit permit, HttpResponseMessage response)
    {
        var headers = RateLimitHeaders.Read(response, DateTimeOffset.UtcNow);
        var throttled = (int)response.StatusCode == OutcomeClassifier.TooManyRequests;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            if (throttled)
            {
                var wait = headers.RetryAfter ?? ClampToWindow(headers.UntilReset) ?? Window;
                if (now + wait > _blockedUntil) _blockedUntil = now + wait;
            }

            if (!(headers.Limit is int limit) || !(headers.Remaining is int remaining) || !(headers.ResetUnixSeconds is long reset)) return;
            // Requests granted after this one may not have reached the server when it counted.
            var notYetCounted = (int)Math.Min(int.MaxValue, _grantCount - permit.Sequence);
            var estimate = (throttled ? 0 : remaining) - notYetCounted;
            if (_serverResetUnixSeconds is null || reset > _serverResetUnixSeconds)
            {
                _serverResetUnixSeconds = reset;
                _serverResetAt = now + (ClampToWindow(headers.UntilReset) ?? TimeSpan.Zero);
                _serverLimit = limit;
                _estimatedRemaining = estimate;
            }
            else if (reset == _serverResetUnixSeconds && estimate < _estimatedRemaining)
            {
                _estimatedRemaining = estimate;
            }
            // An older reset is a late answer from a window that has already passed.
        }
    }

    private TimeSpan WaitNeeded(TimeSpan now)
    {
        var wait = _blockedUntil - now;

        if (_grantCount >= _recentGrants.Length)
        {
            var ceilingFreesAt = _recentGrants[_oldestGrantSlot] + Window + _safetyMargin;
            wait = Max(wait, ceilingFreesAt - now);
        }

        if (_serverResetUnixSeconds is null) return wait;
        if (_estimatedRemaining <= 0) return Max(wait, _serverResetAt + _safetyMargin - now);

        var reserve = Math.Max(1, (int)Math.Ceiling(_serverLimit * ReserveFraction));
        if (_estimatedRemaining <= reserve)
        {
            var spacing = TimeSpan.FromTicks((_serverResetAt - now).Ticks / _estimatedRemaining);
            wait = Max(wait, _lastGrantAt + spacing - now);
        }
        return wait;
    }

    // After the reset the old count says nothing; the first response of the new window will report it.
    private void ForgetPassedServerWindow(TimeSpan now)
    {
        if (_serverResetUnixSeconds != null && now >= _serverResetAt + _safetyMargin) _serverResetUnixSeconds = null;
    }

    private RateLimitPermit Grant(TimeSpan now, TimeSpan waited)
    {
        _recentGrants[_oldestGrantSlot] = now;
        _oldestGrantSlot = (_oldestGrantSlot + 1) % _recentGrants.Length;
        _grantCount++;
        _lastGrantAt = now;
        if (_serverResetUnixSeconds != null) _estimatedRemaining--;
        return new RateLimitPermit(_grantCount, waited);
    }

    // A reset is never more than a window away; anything further is clock trouble, not a reason to stall.
    private TimeSpan? ClampToWindow(TimeSpan? untilReset) =>
        untilReset is TimeSpan value && value > Window + TimeSpan.FromSeconds(1) ? Window + TimeSpan.FromSeconds(1) : untilReset;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
