using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Resilience;

/// <summary>
/// One service's connection pool for one connection. Every operation's handler chain ends in a handler from
/// <see cref="CreateHandler"/>, so a session holds one pool per service however many cmdlets it runs, and disposing the
/// connection closes it. The pool is recycled: a request made after <see cref="Lifetime"/> goes to a fresh network
/// handler (so a listener running for days sees DNS changes and drops stale connections), and the old one is disposed
/// once its last request has finished.
/// </summary>
public sealed class SharedTransport : IDisposable
{
    private readonly object _gate = new object();
    private readonly Func<HttpMessageHandler> _createNetworkHandler;
    private Generation _current;
    private bool _disposed;
    private int _generations = 1;

    /// <param name="createNetworkHandler">Makes the network handler of each generation; an
    /// <see cref="HttpClientHandler"/> by default.</param>
    public SharedTransport(TimeSpan lifetime, Func<HttpMessageHandler>? createNetworkHandler = null)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "The pool's lifetime must be positive.");
        }

        Lifetime = lifetime;
        _createNetworkHandler = createNetworkHandler ?? ResilientHandlerFactory.CreateNetworkHandler;
        _current = new Generation(_createNetworkHandler());
    }

    /// <summary>How long one network handler (and its connections) serves new requests.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>How many network handlers this transport has made so far.</summary>
    public int Generations => Volatile.Read(ref _generations);

    /// <summary>A handler to end a chain with. Disposing it (as disposing the chain does) leaves the pool
    /// open.</summary>
    public HttpMessageHandler CreateHandler() => new Lease(this);

    public void Dispose()
    {
        Generation retired;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            retired = _current;
            retired.Retired = true;
        }

        retired.DisposeIfIdle();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var generation = Acquire();
        try
        {
            var response = await generation.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            // Read the body while its connection is sure to be alive: the generation may be disposed once this returns.
            await BufferedContent.ReadIntoAsync(response, cancellationToken).ConfigureAwait(false);

            return response;
        }
        finally
        {
            generation.Release();
        }
    }

    private Generation Acquire()
    {
        Generation? retired = null;
        Generation current;
        lock (_gate)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(SharedTransport),
                    "The connection was closed (Disconnect-StripeIntercom or a new Connect-StripeIntercom).");
            }

            if (_current.Age.Elapsed >= Lifetime)
            {
                retired = _current;
                retired.Retired = true;
                _current = new Generation(_createNetworkHandler());
                _generations++;
            }

            current = _current;
            Interlocked.Increment(ref current.InFlight);
        }

        retired?.DisposeIfIdle();
        return current;
    }

    private sealed class Generation
    {
        private readonly object _gate = new object();
        private bool _disposed;

        public Generation(HttpMessageHandler handler) => Invoker =
            new HttpMessageInvoker(handler, disposeHandler: true);

        public HttpMessageInvoker Invoker { get; }
        public Stopwatch Age { get; } = Stopwatch.StartNew();

        // Raised only under the transport's lock and never once retired, so a retired generation only counts down.
        public int InFlight;
        public volatile bool Retired;

        public void Release()
        {
            Interlocked.Decrement(ref InFlight);
            DisposeIfIdle();
        }

        public void DisposeIfIdle()
        {
            if (!Retired || Volatile.Read(ref InFlight) > 0)
            {
                return;
            }

            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
            }

            Invoker.Dispose();
        }
    }

    private sealed class Lease : HttpMessageHandler
    {
        private readonly SharedTransport _transport;

        public Lease(SharedTransport transport) => _transport = transport;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken) =>
            _transport.SendAsync(request, cancellationToken);
    }
}
