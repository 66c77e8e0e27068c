using System;
using System.Net.Http;

namespace StripeIntercom.Intercom;

public sealed class IntercomSettings
{
    public string AccessToken { get; set; } = "";
    public IntercomRegion Region { get; set; } = IntercomRegion.US;

    /// <summary>Overrides the region's host, for the fakes or a proxy.</summary>
    public Uri? ApiBase { get; set; }

    /// <summary>The handler the client sends through, so resilience and pacing layers can be stacked
    /// underneath.</summary>
    public HttpMessageHandler? InnerHandler { get; set; }

    /// <summary>True when the client owns <see cref="InnerHandler"/> (a chain made for it) and disposes it with
    /// itself.</summary>
    public bool DisposeInnerHandler { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    public Uri ResolveApiBase()
    {
        if (ApiBase != null)
        {
            return ApiBase.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? ApiBase
                : new Uri(ApiBase.AbsoluteUri + "/");
        }

        switch (Region)
        {
            case IntercomRegion.EU: return new Uri("https://api.eu.intercom.io/");
            case IntercomRegion.AU: return new Uri("https://api.au.intercom.io/");
            default: return new Uri("https://api.intercom.io/");
        }
    }
}
