using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Webhooks
{
    /// <summary>
    /// A small HTTP endpoint for Stripe webhooks over <see cref="HttpListener"/>: verifies each POST, hands it
    /// to the processor and answers at once, because Stripe times out and retries slow endpoints.
    /// </summary>
    /// <remarks>
    /// Answers 200 to every verified delivery, including duplicates and ignored types (Stripe would
    /// otherwise retry them for days), 400 when verification fails, 405 for other methods and 413 for
    /// bodies over <see cref="MaxBodyBytes"/>. Use an http://127.0.0.1:PORT/ prefix behind a TLS proxy or
    /// tunnel: Stripe only delivers to https.
    /// </remarks>
    public sealed class WebhookListener
    {
        /// <summary>Stripe events are a few KB; anything far larger is not one.</summary>
        public const int MaxBodyBytes = 1024 * 1024;

        private readonly string _prefix;
        private readonly StripeWebhookVerifier _verifier;
        private readonly WebhookProcessor _processor;
        private readonly Action<WebhookActivity>? _onRejected;

        /// <param name="prefix">An HttpListener prefix, for example http://127.0.0.1:8080/ (must end with /).</param>
        /// <param name="onRejected">Told about deliveries that failed verification (Rejected activities).</param>
        public WebhookListener(string prefix, StripeWebhookVerifier verifier, WebhookProcessor processor, Action<WebhookActivity>? onRejected = null)
        {
            if (string.IsNullOrEmpty(prefix) || !prefix.EndsWith("/", StringComparison.Ordinal))
            {
                throw new ArgumentException("The listener prefix must be a URL ending with '/', for example http://127.0.0.1:8080/.", nameof(prefix));
            }

            _prefix = prefix;
            _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
            _processor = processor ?? throw new ArgumentNullException(nameof(processor));
            _onRejected = onRejected;
        }

        public string Prefix => _prefix;

        /// <summary>
        /// Listens until <paramref name="cancellationToken"/> fires, then returns (no exception). The endpoint
        /// already accepts requests when this method returns its task. Stopping the processor is the
        /// caller's job (<see cref="WebhookProcessor.StopAsync"/>), so it can decide how long to drain.
        /// </summary>
        /// <exception cref="InvalidOperationException">The prefix cannot be listened on (in use, or not allowed).</exception>
        public Task RunAsync(CancellationToken cancellationToken)
        {
            var listener = new HttpListener();
            listener.Prefixes.Add(_prefix);
            try
            {
                listener.Start();
            }
            catch (HttpListenerException ex)
            {
                listener.Close();
                throw new InvalidOperationException($"Cannot listen on {_prefix}: {ex.Message}", ex);
            }

            return AcceptUntilCancelledAsync(listener, cancellationToken);
        }

        private async Task AcceptUntilCancelledAsync(HttpListener listener, CancellationToken cancellationToken)
        {
            var inFlight = new ConcurrentDictionary<Task, bool>();
            try
            {
                // GetContextAsync takes no token; stopping the listener is what ends a pending wait.
                using (cancellationToken.Register(() => listener.Stop()))
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        HttpListenerContext context;
                        try
                        {
                            context = await listener.GetContextAsync().ConfigureAwait(false);
                        }
                        catch (Exception ex) when (cancellationToken.IsCancellationRequested
                            && (ex is HttpListenerException || ex is ObjectDisposedException || ex is InvalidOperationException))
                        {
                            break;
                        }

                        var handling = HandleAsync(context);
                        inFlight.TryAdd(handling, true);
                        _ = handling.ContinueWith(done => inFlight.TryRemove(done, out _), TaskScheduler.Default);
                    }
                }

                await Task.WhenAll(inFlight.Keys).ConfigureAwait(false);
            }
            finally
            {
                listener.Close();
            }
        }

        private async Task HandleAsync(HttpListenerContext context)
        {
            var response = context.Response;
            try
            {
                var request = context.Request;
                if (!string.Equals(request.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase))
                {
                    response.AddHeader("Allow", "POST");
                    await RespondAsync(response, 405, "Only POST is accepted.").ConfigureAwait(false);
                    return;
                }

                var payload = await ReadBodyAsync(request).ConfigureAwait(false);
                if (payload == null)
                {
                    await RespondAsync(response, 413, "The body is too large for a Stripe event.").ConfigureAwait(false);
                    return;
                }

                WebhookDelivery delivery;
                try
                {
                    delivery = _verifier.Verify(payload, request.Headers["Stripe-Signature"]);
                }
                catch (WebhookVerificationException ex)
                {
                    ReportRejected(ex);
                    await RespondAsync(response, 400, $"{ex.Reason}: {ex.Message}").ConfigureAwait(false);
                    return;
                }

                // Enqueue before answering: it only takes a lock, and a sender that saw 200 can rely on the
                // delivery being scheduled.
                _processor.Enqueue(delivery);
                await RespondAsync(response, 200, "ok").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException || ex is IOException || ex is ObjectDisposedException)
            {
                // The client went away or the listener is stopping; Stripe retries what it did not see acknowledged.
                response.Abort();
            }
            catch (Exception)
            {
                // A bug must not leave Stripe waiting for its timeout or end the accept loop; a 500 makes Stripe retry.
                try
                {
                    await RespondAsync(response, 500, "The delivery could not be handled.").ConfigureAwait(false);
                }
                catch (Exception)
                {
                    response.Abort();
                }
            }
        }

        private static async Task<string?> ReadBodyAsync(HttpListenerRequest request)
        {
            if (request.ContentLength64 > MaxBodyBytes)
            {
                return null;
            }

            using (var body = new MemoryStream())
            {
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await request.InputStream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
                {
                    body.Write(buffer, 0, read);
                    if (body.Length > MaxBodyBytes)
                    {
                        return null;
                    }
                }

                return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
            }
        }

        private static async Task RespondAsync(HttpListenerResponse response, int status, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            response.StatusCode = status;
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            response.Close();
        }

        private void ReportRejected(WebhookVerificationException error)
        {
            try
            {
                _onRejected?.Invoke(new WebhookActivity(WebhookActivityKind.Rejected, null, error: error, detail: error.Reason.ToString()));
            }
            catch (Exception)
            {
                // Reporting is best effort; the sender still gets its 400.
            }
        }
    }
}
