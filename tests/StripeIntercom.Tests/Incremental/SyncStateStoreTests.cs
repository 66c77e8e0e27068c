using StripeIntercom.Incremental;
using Xunit;

namespace StripeIntercom.Tests.Incremental;

public class SyncStateStoreTests
{
    private static SyncState SampleState() => new()
    {
        Cursor = new EventCursor(1_790_000_000, "evt_123"),
        LastCompletedRunAt = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero),
        FullSync = new FullSyncCheckpoint
        {
            InProgress = true,
            LastCustomerId = "cus_42",
            CustomersDone = 1234,
            StartedAt = new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero),
            CursorAtStart = new EventCursor(1_789_999_000, "evt_100"),
        },
    };

    [Fact]
    public void Saved_state_loads_back_unchanged()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");

        SyncStateStore.Save(path, SampleState());
        var result = SyncStateStore.Load(path);

        Assert.Equal(SyncStateLoadStatus.Loaded, result.Status);
        var state = result.State!;
        Assert.Equal(1, state.FormatVersion);
        Assert.Equal(1_790_000_000, state.Cursor!.Created);
        Assert.Equal("evt_123", state.Cursor.EventId);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero), state.LastCompletedRunAt);
        Assert.True(state.FullSync!.InProgress);
        Assert.Equal("cus_42", state.FullSync.LastCustomerId);
        Assert.Equal(1234, state.FullSync.CustomersDone);
        Assert.Equal("evt_100", state.FullSync.CursorAtStart!.EventId);
    }

    [Fact]
    public void Saving_again_replaces_the_file_and_leaves_no_temp_files()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");

        SyncStateStore.Save(path, SampleState());
        var second = SampleState();
        second.Cursor = new EventCursor(1_790_000_500, "evt_456");
        SyncStateStore.Save(path, second);

        Assert.Equal("evt_456", SyncStateStore.Load(path).State!.Cursor!.EventId);
        Assert.Equal(new[] { "state.json" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void The_file_holds_only_the_documented_fields()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");

        SyncStateStore.Save(path, SampleState());
        var json = File.ReadAllText(path);

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).OrderBy(n => n);
        Assert.Equal(new[]
            {
                "cursor", "eventsSince", "formatVersion", "fullSync", "lastCompletedRunAt", "retryCustomerIds",
                "retryEventIds",
            }, names);
        Assert.DoesNotContain("sk_", json);
    }

    [Fact]
    public void Missing_file_is_reported_as_missing()
    {
        using var folder = new TemporaryFolder();

        var result = SyncStateStore.Load(folder.File("nothing.json"));

        Assert.Equal(SyncStateLoadStatus.Missing, result.Status);
        Assert.Null(result.State);
    }

    [Fact]
    public void A_crash_during_save_leaves_the_previous_state_readable()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");
        SyncStateStore.Save(path, SampleState());

        // What a crash between "write temp" and "rename" leaves behind: a half-written temp file.
        File.WriteAllText(folder.File(".state.json.0123456789abcdef.tmp"), "{\"formatVersion\":1,\"cursor\":{\"crea");

        var result = SyncStateStore.Load(path);
        Assert.Equal(SyncStateLoadStatus.Loaded, result.Status);
        Assert.Equal("evt_123", result.State!.Cursor!.EventId);

        // The next save still succeeds next to the leftover.
        SyncStateStore.Save(path, new SyncState());
        Assert.Null(SyncStateStore.Load(path).State!.Cursor);
    }

    [Theory]
    [InlineData("{\"formatVersion\":1,\"cursor\":{\"crea", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1,2]", "no formatVersion")]
    [InlineData("{\"cursor\":null}", "no formatVersion")]
    [InlineData("{\"formatVersion\":1,\"cursor\":\"yesterday\"}", "expected shape")]
    public void Damaged_file_is_unreadable_with_a_reason(string content, string reasonFragment)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");
        File.WriteAllText(path, content);

        var result = SyncStateStore.Load(path);

        Assert.Equal(SyncStateLoadStatus.Unreadable, result.Status);
        Assert.Contains(reasonFragment, result.Reason);
        Assert.Contains(path, result.Reason);
    }

    [Fact]
    public void Other_format_version_is_reported_with_its_number()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");
        File.WriteAllText(path, "{\"formatVersion\":2,\"somethingNew\":true}");

        var result = SyncStateStore.Load(path);

        Assert.Equal(SyncStateLoadStatus.UnsupportedVersion, result.Status);
        Assert.Equal(2, result.FormatVersion);
        Assert.Contains("version 2", result.Reason);
    }

    [Fact]
    public void Second_lock_while_held_fails_naming_the_state_file_and_holder()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");

        using (SyncStateStore.AcquireLock(path))
        {
            var error = Assert.Throws<SyncAlreadyRunningException>(() => SyncStateStore.AcquireLock(path));
            Assert.Contains(path, error.Message);
            Assert.Equal(path, error.StatePath);
            Assert.Contains(error.Holder ?? error.LockPath, error.Message);

            // Unix locks are advisory: an operator can still read who holds it.
            if (!OperatingSystem.IsWindows())
            {
                using var cat = System.Diagnostics.Process.Start(
                    new System.Diagnostics.ProcessStartInfo("cat", path + ".lock") { RedirectStandardOutput = true })!;
                var holder = cat.StandardOutput.ReadToEnd();
                cat.WaitForExit();
                Assert.Contains($"PID {Environment.ProcessId} on {Environment.MachineName}", holder);
            }
        }
    }

    [Fact]
    public void A_foreign_exclusive_open_of_the_lock_file_blocks_acquire()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");

        // Stands in for another process: an independent exclusive handle on the same lock file.
        using (new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.Throws<SyncAlreadyRunningException>(() => SyncStateStore.AcquireLock(path));
        }

        using var acquired = SyncStateStore.AcquireLock(path);
        Assert.Equal(path + ".lock", acquired.LockPath);
    }

    [Fact]
    public void Lock_is_free_again_after_dispose()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("state.json");

        SyncStateStore.AcquireLock(path).Dispose();
        using var again = SyncStateStore.AcquireLock(path);

        Assert.Equal(path, again.StatePath);
    }
}
