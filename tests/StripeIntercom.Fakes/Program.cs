using System.Text.Json;
// Standalone fakes for the Pester tests and the demo: starts fake Stripe and fake Intercom on loopback,
// prints one JSON line with their base URLs and credentials, and runs until stdin closes or Ctrl+C.
// Options (all optional): --customers N --seed N --latency-ms N --stripe-key K --intercom-token T
// --app-workspace N: the app's N users already in Intercom (see FakeAppWorkspace).
// --app-users-all: every live customer is an app user already in Intercom (FakeAppWorkspace.SeedEveryCustomer).
using StripeIntercom.Fakes;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;

var stripe = await FakeStripeServer.StartAsync(FakeStripeOptions.FromArgs(args));
var intercom = await FakeIntercomServer.StartAsync(FakeIntercomOptions.FromArgs(args));
var appUsersAt = Array.IndexOf(args, "--app-workspace");
var workspace = appUsersAt >= 0 && appUsersAt + 1 < args.Length
    ? FakeAppWorkspace.Seed(stripe.State, intercom.State,
        int.Parse(args[appUsersAt + 1], System.Globalization.CultureInfo.InvariantCulture))
    : null;
// --app-users-all: every live customer is one of the app's users already in Intercom (the benchmarks' app scenarios).
var appUsersAll = args.Contains("--app-users-all")
    ? FakeAppWorkspace.SeedEveryCustomer(stripe.State, intercom.State)
    : (int?)null;

Console.WriteLine(JsonSerializer.Serialize(new
{
    stripe = stripe.BaseUrl.ToString(),
    intercom = intercom.BaseUrl.ToString(),
    stripeKey = stripe.Options.ApiKey,
    intercomToken = intercom.Options.AccessToken,
    appWorkspace = workspace,
    appUsersAll,
}));
Console.Out.Flush();

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
_ = Task.Run(() =>
{
    // The parent closes our stdin (or dies) when it is done with us.
    try { while (Console.In.ReadLine() is not null) { } } catch { }
    stop.TrySetResult();
});
await stop.Task;
await intercom.DisposeAsync();
await stripe.DisposeAsync();
