using System;
using System.IO;

namespace StripeIntercom.Incremental;

/// <summary>
/// Exclusive hold on <c>&lt;state&gt;.lock</c> for the length of a run. The OS drops it if the process
/// dies, so a crashed run never blocks the next one.
/// </summary>
public sealed class SyncStateLock : IDisposable
{
    private FileStream? _stream;

    internal SyncStateLock(string statePath, string lockPath, FileStream stream)
    {
        StatePath = statePath;
        LockPath = lockPath;
        _stream = stream;
    }

    public string StatePath { get; }
    public string LockPath { get; }

    public void Dispose()
    {
        var stream = _stream;
        _stream = null;
        if (stream == null)
        {
            return;
        }

        // Empty the file before letting go, so a reader never sees a stale holder; the file itself
        // stays, because deleting it could race with another process that just opened it.
        try
        {
            stream.SetLength(0);
        }
        catch (IOException)
        {
        }

        stream.Dispose();
    }
}
