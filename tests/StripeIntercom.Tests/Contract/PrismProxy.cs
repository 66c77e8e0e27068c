using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StripeIntercom.Tests.Contract;

/// <summary>
/// Prism in proxy mode in front of the fake Intercom: each request is checked against Intercom's published
/// API description, forwarded, and answered with an sl-violations header listing what broke the contract
/// (see <see cref="ContractViolationRecorder"/>). Prism validates a few dozen requests a second here, so the
/// contract suite drives every kind of request the client sends rather than the high-volume scenarios.
/// </summary>
public sealed class PrismProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private PrismProxy(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _log.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _log.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseUrl { get; }

    /// <param name="descriptionPath">The API description to check against; Intercom's 2.14 one unless
    /// given.</param>
    public static async Task<PrismProxy> StartAsync(Uri upstream, string? descriptionPath = null)
    {
        var description = descriptionPath ?? RepositoryPaths.IntercomSpec;
        if (!File.Exists(RepositoryPaths.PrismEntryPoint))
        {
            throw new InvalidOperationException(
                $"Prism is not installed at {RepositoryPaths.PrismEntryPoint}. Run 'npm ci' in tests/contract " +
                "(./build.ps1 -Task Test does it).");
        }

        if (!File.Exists(description))
        {
            throw new InvalidOperationException(
                $"Intercom's API description is missing at {description} (../shared beside the " +
                "repository).");
        }

        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     RepositoryPaths.PrismEntryPoint, "proxy", description,
                         upstream.ToString().TrimEnd('/'),
                     "--host", "127.0.0.1", "--port", port.ToString(), "--verboseLevel", "warn",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var proxy = new PrismProxy(process, new Uri($"http://127.0.0.1:{port}/"));
        await proxy.WaitUntilListeningAsync(port);
        return proxy;
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("Prism exited while starting:\n" + string.Join("\n", _log));
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("Prism did not start listening within 60 seconds:\n" + string.Join("\n", _log));
    }


    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
