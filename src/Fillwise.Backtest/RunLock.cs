namespace Fillwise.Backtest;

/// <summary>
/// One writer per run id: an exclusive lock on a file beside the store (<c>DB.run-ID.lock</c>), taken before the
/// run is begun and held until it ends. The rule for a crashed writer: the lock is the operating system's
/// (flock on Unix, a share-mode lock on Windows), held by the open file handle, so the kernel drops it the moment
/// the process dies, kill -9 included; a lock file left behind by a crash is therefore not a lock and is simply
/// taken over by the next attempt, which resumes the run. No lease can go stale and nothing needs a timeout.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _file;

    private RunLock(FileStream file, string path)
    {
        _file = file;
        Path = path;
    }

    public string Path { get; }

    public static string PathFor(string dbPath, string runId) => System.IO.Path.GetFullPath(dbPath) + $".run-{runId}.lock";

    /// <summary>Takes the run's lock, or throws <see cref="RunRefusedException"/> when another process holds it.</summary>
    public static RunLock Take(string dbPath, string runId)
    {
        var path = PathFor(dbPath, runId);
        try
        {
            // FileShare.None is an exclusive flock on Unix: a second open of the file, from any process, fails.
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new RunLock(file, path);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new RunRefusedException($"run {runId} is being written to {dbPath} by another process (it holds {path}); wait for it to finish, or stop it and run again to resume.", e);
        }
    }

    public void Dispose()
    {
        // Deleted while still held, so no other process can be holding it at that moment.
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // A leftover lock file is harmless: the next attempt takes it over.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
        _file.Dispose();
    }
}

/// <summary>A run that must not start (another process writes it, or its input produced nothing to store): one sentence, exit 2.</summary>
public sealed class RunRefusedException : Exception
{
    public RunRefusedException(string message)
        : base(message)
    {
    }

    public RunRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RunRefusedException()
    {
    }
}
