using System.Runtime.InteropServices;
using System.Text;

namespace Fillwise.Telemetry.Tests;

/// <summary>
/// An SQLite store's run lock file is never deleted: deleting it on release would let a process that opened the
/// file before the unlink lock the deleted inode while the next writer creates and locks a new file at the path,
/// two writers on one run. The race is made deterministic here by opening the file first and locking it after
/// the release, as flock(2) on the kernel's side (what .NET's FileShare.None takes).
/// </summary>
public sealed class LockFileTests : IDisposable
{
    private const int ReadWrite = 2;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-lockfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_process_that_opened_the_lock_file_before_its_release_and_the_next_writer_never_both_hold_the_run()
    {
        var db = Path.Combine(_dir, "run.db");
        var lockPath = Path.GetFullPath(db) + ".run-r1.lock";
        using var first = TelemetryStore.Open(db);
        using var next = TelemetryStore.Open(db);
        var lease = first.TryLockRun("r1");
        Assert.NotNull(lease);
        var fd = Open(Encoding.UTF8.GetBytes(lockPath + "\0"), ReadWrite);
        Assert.True(fd >= 0, $"open({lockPath}) failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            lease.Dispose();
            Assert.True(File.Exists(lockPath), "the released lock file was deleted");
            // The late opener now takes the lock on what it opened...
            Assert.Equal(0, Flock(fd, LockExclusive | LockNonBlocking));
            // ...so the run is held, and the next writer must be refused.
            using var second = next.TryLockRun("r1");
            Assert.Null(second);
        }
        finally
        {
            Close(fd);
        }
        using var after = next.TryLockRun("r1");
        Assert.NotNull(after);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static extern int Flock(int fd, int operation);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
