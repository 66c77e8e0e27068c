using System;

namespace StripeIntercom.Incremental;

/// <summary>Another run holds the lock of the same state file.</summary>
public sealed class SyncAlreadyRunningException : InvalidOperationException
{
    public SyncAlreadyRunningException(string statePath, string lockPath, string? holder, Exception? inner = null)
        : base(BuildMessage(statePath, lockPath, holder), inner)
    {
        StatePath = statePath;
        LockPath = lockPath;
        Holder = holder;
    }

    public string StatePath { get; }
    public string LockPath { get; }

    /// <summary>
    /// Who holds the lock (PID, host, start time) when the lock file could be read. .NET takes an
    /// advisory lock even to read a file, so in-process this is usually null; `cat` (Unix) still shows it.
    /// </summary>
    public string? Holder { get; }

    private static string BuildMessage(string statePath, string lockPath, string? holder) =>
        $"Another sync is already running with the state file '{statePath}'"
        + (holder == null ? $" (the lock file '{lockPath}' names its PID, host and start time)" : $" ({holder})")
        + ". Wait for it to finish, or use a different -StatePath.";
}
