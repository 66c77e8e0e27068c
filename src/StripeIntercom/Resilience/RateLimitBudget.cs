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
/// <item>a local ceiling of <see cref="MaxRequestsPerWindow"/> slots: a slot is reused only a full
/// <see cref="Window"/> after its previous request completed. The moment a request reaches the server lies somewhere
/// between its send and its response, so this is what guarantees at most that many arrivals in any server window
/// however latencies vary; it protects even when the server sends no rate-limit headers (Stripe) or before the first
/// response arrives;</item>
/// <item>the server's own count: after each response X-RateLimit-Limit, -Remaining and -Reset are read; below the
/// reserve the remaining requests are spread until the reset, at zero (or after a 429) sends wait for the reset.</item>
/// </list>
/// </summary>
public sealed class RateLimitBudget
{
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan InFlight = TimeSpan.MaxValue;

    private readonly object _gate = new object();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan[] _slotFreeAt;
    private readonly TimeSpan _resetMargin;
    private readonly TimeSpan _inFlightPollInterval;
    private int _inFlight;
    private TimeSpan _lastGrantAt;
    private TimeSpan _blockedUntil;

    // The server's window as last reported; null once its reset has passed, until a response reports the next one.
    private long? _serverResetUnixSeconds;
    private TimeSpan _serverResetAt;
    private int _serverLimit;
    private int _estimatedRemaining;

    /// <param name="maxRequestsPerWindow">Local ceiling: requests allowed to reach the server within any interval of
    /// <paramref name="window"/>.</param>
    /// <param name="window">Length of the service's rate-limit window (Intercom 10 s, Stripe 1 s).</param>
    /// <param name="reserveFraction">Share of the server's limit below which remaining requests are spread until the
    /// reset.</param>
    public RateLimitBudget(int maxRequestsPerWindow, TimeSpan window, double reserveFraction = 0.1)
    {
        if (maxRequestsPerWindow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRequestsPerWindow),
                "At least one request per window is needed.");
        }

        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), "The window must be positive.");
        }

        if (reserveFraction < 0 || reserveFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(reserveFraction),
                "The reserve must be at least 0 and less than 1.");
        }

        MaxRequestsPerWindow = maxRequestsPerWindow;
        Window = window;
        ReserveFraction = reserveFraction;
        _slotFreeAt = new TimeSpan[maxRequestsPerWindow];
        // Reset is reported in whole seconds and clocks are read at slightly different moments.
        _resetMargin = TimeSpan.FromTicks(Math.Min(window.Ticks / 20, TimeSpan.FromMilliseconds(250).Ticks));
        _inFlightPollInterval = TimeSpan.FromTicks(Math.Min(window.Ticks / 20, TimeSpan.FromMilliseconds(50).Ticks));
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
    public static RateLimitBudget ForStripe(bool testMode) =>
        new RateLimitBudget(testMode ? 20 : 80, TimeSpan.FromSeconds(1));

    /// <summary>Waits until one more request may be sent and takes a slot for it; pass the permit to
    /// <see cref="Complete"/>.</summary>
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
                var slot = EarliestFreeSlot();
                wait = WaitNeeded(now, slot);
                if (wait <= TimeSpan.Zero)
                {
                    return Grant(now, slot, now - started);
                }
            }
            await Task.Delay(wait < MinimumSleep ? MinimumSleep : wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Frees the permit's slot a window from now and learns from the response, if any, what the server says is left
    /// of its window. Call exactly once per permit, also when the send failed.
    /// </summary>
    internal void Complete(RateLimitPermit permit, HttpResponseMessage? response)
    {
        var headers = response is null ? null : RateLimitHeaders.Read(response, DateTimeOffset.UtcNow);
        lock (_gate)
        {
            var now = _clock.Elapsed;
            _slotFreeAt[permit.Slot] = now + Window;
            _inFlight--;
            if (response != null && headers != null)
            {
                Observe(now, response, headers);
            }
        }
    }

    private void Observe(TimeSpan now, HttpResponseMessage response, RateLimitHeaders headers)
    {
        var throttled = (int)response.StatusCode == OutcomeClassifier.TooManyRequests;
        if (throttled)
        {
            var wait = headers.RetryAfter ?? ClampToWindow(headers.UntilReset) ?? Window;
            if (now + wait > _blockedUntil)
            {
                _blockedUntil = now + wait;
            }
        }

        if (!(headers.Limit is int limit) || !(headers.Remaining is int remaining)
            || !(headers.ResetUnixSeconds is long reset))
        {
            return;
        }
        // Any request still in flight may have reached the server after it counted for this response (arrival order
        // is not grant order over parallel connections); assuming none did costs a little throughput, not a 429.
        var estimate = (throttled ? 0 : remaining) - _inFlight;
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

    private int EarliestFreeSlot()
    {
        var earliest = 0;
        for (var i = 1; i < _slotFreeAt.Length; i++)
        {
            if (_slotFreeAt[i] < _slotFreeAt[earliest])
            {
                earliest = i;
            }
        }
        return earliest;
    }

    private TimeSpan WaitNeeded(TimeSpan now, int slot)
    {
        var wait = _blockedUntil - now;

        var slotFreeAt = _slotFreeAt[slot];
        // Every slot's request is still in flight: its window starts only when it completes.
        wait = Max(wait, slotFreeAt == InFlight ? _inFlightPollInterval : slotFreeAt - now);

        if (_serverResetUnixSeconds is null)
        {
            return wait;
        }

        if (_estimatedRemaining <= 0)
        {
            return Max(wait, _serverResetAt + _resetMargin - now);
        }

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
        if (_serverResetUnixSeconds != null && now >= _serverResetAt + _resetMargin)
        {
            _serverResetUnixSeconds = null;
        }
    }

    private RateLimitPermit Grant(TimeSpan now, int slot, TimeSpan waited)
    {
        _slotFreeAt[slot] = InFlight;
        _inFlight++;
        _lastGrantAt = now;
        if (_serverResetUnixSeconds != null)
        {
            _estimatedRemaining--;
        }

        return new RateLimitPermit(slot, waited);
    }

    // A reset is never more than a window away; anything further is clock trouble, not a reason to stall.
    private TimeSpan? ClampToWindow(TimeSpan? untilReset) =>
        untilReset is TimeSpan value && value > Window + TimeSpan.FromSeconds(1) ? Window + TimeSpan.FromSeconds(1)
            : untilReset;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
