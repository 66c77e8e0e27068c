using System.Net;
using System.Net.Sockets;

namespace StripeIntercom.Tests;

/// <summary>A free port on 127.0.0.1, for a test's own listener.</summary>
internal static class LoopbackPort
{
    public static int Free()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
