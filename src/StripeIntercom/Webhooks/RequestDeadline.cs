using System;
using System.Net.Sockets;
using System.Threading;

namespace StripeIntercom.Webhooks;

/// <summary>Closes the socket when the armed time passes, which ends any pending read or write on it.</summary>
internal sealed class RequestDeadline : IDisposable
{
    private readonly Socket _socket;
    private readonly Timer _timer;
    private volatile string? _armedFor;
    private volatile string? _fired;

    public RequestDeadline(Socket socket)
    {
        _socket = socket;
        _timer = new Timer(_ => Fire(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The reason of the deadline that closed the socket, or null.</summary>
    public string? Fired => _fired;

    public void Arm(TimeSpan after, string reason)
    {
        _armedFor = reason;
        _timer.Change(after, Timeout.InfiniteTimeSpan);
    }

    public void Disarm() => _timer.Change(Timeout.Infinite, Timeout.Infinite);

    public void Dispose() => _timer.Dispose();

    private void Fire()
    {
        _fired = _armedFor;
        try
        {
            _socket.Dispose();
        }
        catch (Exception)
        {
        }
    }
}
