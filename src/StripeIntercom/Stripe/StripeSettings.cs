using System;
using System.Net.Http;

namespace StripeIntercom.Stripe;

public sealed class StripeSettings
{
    /// <summary>Secret or restricted key (sk_... / rk_...).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Null means Stripe's own API (https://api.stripe.com); set it to point at a fake.</summary>
    public Uri? ApiBase { get; set; }

    /// <summary>
    /// Where requests go after the reader counts them: a complete handler (e.g. a test handler), or a
    /// <see cref="DelegatingHandler"/> chain with an open end (resilience, pacing), which gets the counting handler
    /// and the network handler appended so every attempt it makes is counted. Null means a plain network handler.
    /// </summary>
    public HttpMessageHandler? InnerHandler { get; set; }

    /// <summary>Where requests go: <see cref="ApiBase"/>, or Stripe's own API.</summary>
    public Uri ResolveApiBase() => ApiBase ?? new Uri("https://api.stripe.com/");
}
