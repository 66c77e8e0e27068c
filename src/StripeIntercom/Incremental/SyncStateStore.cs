using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;

namespace StripeIntercom.Incremental;

/// <summary>Reads, writes and locks the state file of incremental runs.</summary>
public static class SyncStateStore
{
    private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
    {
        WriteIndented = true,
    };

    private const string TempSuffix = ".tmp";

    /// <summary>Reads the state file. Never throws for a missing, damaged or foreign file.</summary>
    public static SyncStateLoadResult Load(string path)
    {
        if (path == null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        string json;
        try
        {
            if (!File.Exists(path))
            {
                return SyncStateLoadResult.Missing();
            }

            json = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return SyncStateLoadResult.Unreadable($"The state file '{path}' cannot be read: {ex.Message}");
        }

        int version;
        try
        {
            using (var document = JsonDocument.Parse(json))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("formatVersion", out var versionElement)
                    || !versionElement.TryGetInt32(out version))
                {
                    return SyncStateLoadResult.Unreadable($"The state file '{path}' has no formatVersion number.");
                }
            }
        }
        catch (JsonException ex)
        {
            return SyncStateLoadResult.Unreadable($"The state file '{path}' is not valid JSON: {ex.Message}");
        }

        if (version != SyncState.CurrentFormatVersion)
        {
            return SyncStateLoadResult.UnsupportedVersion(version);
        }

        try
        {
            var state = JsonSerializer.Deserialize<SyncState>(json, JsonOptions);
            return state == null
                ? SyncStateLoadResult.Unreadable($"The state file '{path}' is empty (null).")
                : SyncStateLoadResult.Loaded(state);
        }
        catch (JsonException ex)
        {
            return SyncStateLoadResult.Unreadable(
                $"The state file '{path}' does not have the expected shape: {ex.Message}");
        }
    }

    /// <summary>
    /// Writes the state atomically: a temp file in the same folder is flushed to disk, then swapped in
    /// with a rename, so a crash leaves either the old file or the new one, never half of one.
    /// </summary>
    public static void Save(string path, SyncState state)
    {
        if (path == null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        if (state == null)
        {
            throw new ArgumentNullException(nameof(state));
        }

        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);

        // Same folder as the target, so the final rename never crosses file systems.
        var tempPath =
            Path.Combine(folder, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + TempSuffix);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(state, JsonOptions);
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096,
                FileOptions.WriteThrough))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            if (File.Exists(fullPath))
            {
                File.Replace(tempPath, fullPath, destinationBackupFileName: null);
            }
            else
            {
                File.Move(tempPath, fullPath);
            }
        }
        finally
        {
            TryDelete(tempPath);
        }
    }

    /// <summary>
    /// Takes the run lock of a state file (<c>&lt;path&gt;.lock</c>, opened exclusively) and writes who
    /// holds it. Dispose the result at the end of the run.
    /// </summary>
    /// <exception cref="SyncAlreadyRunningException">Another run holds the lock.</exception>
    public static SyncStateLock AcquireLock(string path)
    {
        if (path == null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var lockPath = fullPath + ".lock";

        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new SyncAlreadyRunningException(fullPath, lockPath, TryReadHolder(lockPath), ex);
        }

        try
        {
            var holder = Encoding.UTF8.GetBytes(DescribeThisProcess());
            stream.SetLength(0);
            stream.Write(holder, 0, holder.Length);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // The holder note is a courtesy for the error message of a second run; the lock itself is held.
        }

        return new SyncStateLock(fullPath, lockPath, stream);
    }

    private static string DescribeThisProcess()
    {
        int pid;
        using (var process = Process.GetCurrentProcess())
        {
            pid = process.Id;
        }

        return $"PID {pid} on {Environment.MachineName}, started {DateTimeOffset.UtcNow:u}";
    }

    private static string? TryReadHolder(string lockPath)
    {
        try
        {
            using (var stream = new FileStream(lockPath, FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream, Encoding.UTF8))
            {
                var text = reader.ReadToEnd().Trim();
                return text.Length == 0 || text.Length > 500 ? null : text;
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // .NET opens even for reading under an advisory lock that conflicts with the holder's (Unix),
            // and Windows honours FileShare.None; the message then points at the lock file instead.
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
        }
    }
}
