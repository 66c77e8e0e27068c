using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Faults;
using StripeIntercom.Tests.Intercom;

namespace StripeIntercom.Tests.Sync;

internal static class SyncTestContext
{
    public static ContactSynchronizer Synchronizer(IntercomTestServer server,
        ContactLookupMode mode = ContactLookupMode.Auto, bool whatIf = false, bool force = false,
        AttributeMap? map = null, bool initializeAttributes = true, bool mergeLeads = false) =>
        new(server.CreateClient(), map ?? AttributeMap.Default,
            new SyncOptions
            {
                LookupMode = mode,
                WhatIf = whatIf,
                Force = force,
                InitializeAttributes = initializeAttributes,
                MergeLeads = mergeLeads,
            });

    /// <summary>A fresh session's job over the server, for profiles made in memory (no Stripe behind them).</summary>
    public static SyncJob Job(IntercomTestServer server, ContactLookupMode mode = ContactLookupMode.Auto) =>
        FaultRig.ProfilesOnlyJob(server.CreateClient(), new SyncSettings { LookupMode = mode },
            new List<IDisposable>());

    /// <summary>Writes to contacts only; attribute creation is left out so tests can talk about contacts.</summary>
    public static int ContactWrites(IntercomTestServer server) =>
        server.State.Counters.ByRoute
            .Where(p => p.Key.Contains("/contacts") && !p.Key.StartsWith("GET ") && p.Key != "POST /contacts/search")
            .Sum(p => p.Value);

    public static async Task PrepareAttributesAsync(IntercomTestServer server, AttributeMap? map = null)
    {
        await new DataAttributeInitializer(server.CreateClient())
            .EnsureAsync(map ?? AttributeMap.Default, whatIf: false);
        server.State.Counters.Reset();
        server.State.ClearRequestLog();
    }
}
