using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Fillwise.Telemetry;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, schema version in PRAGMA user_version, one writer per run
/// held by an OS file lock beside the file.
/// </summary>
internal sealed class SqliteTarget(string path) : StoreTarget
{
    public override string Display => path;

    public override bool IsServer => false;

    internal override string NewestRunFirst => "rowid DESC";

    internal override DbConnection OpenForWriting()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new IOException($"{path}: directory {directory} does not exist.");
        }
        if (Directory.Exists(path))
        {
            throw new IOException($"{path}: is a directory, not a Fillwise store; give --db a file path.");
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Sql.Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
            // A damaged page would otherwise surface as an SQLite error somewhere mid-run, after a run was begun.
            if (Convert.ToString(Sql.Scalar(connection, "PRAGMA quick_check(1)"), CultureInfo.InvariantCulture) is { } check && check != "ok")
            {
                throw new StoreException($"{path}: corrupted ({check.ReplaceLineEndings(" ").Replace("*** in database main *** ", "", StringComparison.Ordinal)}); restore it from a copy or write to a new --db.");
            }
            Migrate(connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is Corrupt or NotADatabase)
        {
            connection.Dispose();
            throw Explain(e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is ReadOnly or CannotOpen)
        {
            // A writer needs the file and, for WAL, its -wal and -shm files beside it: a read-only file or
            // directory is the usual cause, not a damaged store.
            connection.Dispose();
            throw new IOException($"{path}: cannot be written (SQLite: {e.Message.Split(": ", 2)[^1].Trim('\'', '.')}); check that the file and its directory {directory} are writable, or give another --db.", e);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new IOException($"{path}: not a usable Fillwise store ({e.Message}).", e);
        }
        catch (StoreException)
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    internal override DbConnection OpenExisting()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Sql.Execute(connection, "PRAGMA busy_timeout=5000;");
        }
        catch (SqliteException)
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    /// <summary>Read-only and pooled: never creates a table, migrates or changes the journal, so it never blocks or alters a writer.</summary>
    internal override DbDataSource OpenForReading()
    {
        if (Directory.Exists(path))
        {
            throw new StoreException($"{path}: is a directory, not a Fillwise store.");
        }
        if (!File.Exists(path))
        {
            throw new StoreException($"{path}: no such store (create one with fillwise replay or fillwise demo).");
        }
        var source = Source(path);
        StoreCheck.Found found;
        try
        {
            found = Inspect(source);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is ReadOnly or CannotOpen)
        {
            // A WAL store in a directory we cannot write: SQLite cannot create the -shm file it reads through.
            // Nobody can be writing it then (a writer needs that file too), so read it as immutable, lock-free.
            source.Dispose();
            source = Source(new UriBuilder { Scheme = "file", Host = string.Empty, Path = Path.GetFullPath(path), Query = "immutable=1" }.Uri.AbsoluteUri);
            found = Inspect(source);
        }
        catch (SqliteException e)
        {
            source.Dispose();
            throw Explain(e);
        }
        StoreCheck.Validate(path, found);
        return source;
    }

    internal override int SchemaVersion(DbConnection connection) =>
        Convert.ToInt32(Sql.Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);

    internal override IDisposable? TryLockRun(DbConnection connection, string runId)
    {
        var lockPath = LockPath(runId);
        try
        {
            // FileShare.None is an exclusive flock on Unix: a second open of the file, from any process, fails. The
            // kernel drops it the moment the holder dies (kill -9 included), so a leftover file is not a lock; the file
            // is never deleted (see FileLease).
            return new FileLease(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            return null;
        }
    }

    internal override bool HasLiveWriter(DbConnection connection, string runId)
    {
        try
        {
            // Opened, never created: a reader may not be able to write beside the store. Its writer creates the file
            // before it begins the run and holds it exclusively until the run ends. flock cannot be queried, so the
            // probe takes the lock for a moment: a writer arriving in that moment retries (RunLock.Take), it is not refused.
            using var probe = new FileStream(LockPath(runId), FileMode.Open, FileAccess.Read, FileShare.None, 1, FileOptions.None);
            return false;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Held (or unreadable, when nothing can be told: the store's word stands).
            return true;
        }
    }

    internal override string LockHolder(string runId) => $"it holds {LockPath(runId)}";

    internal override StoreException Explain(DbException e) => e is SqliteException s ? StoreException.From(path, s) : new StoreException($"{path}: cannot be read ({e.Message.TrimEnd('.')}).", e);

    private string LockPath(string runId) => Path.GetFullPath(path) + $".run-{runId}.lock";

    private static DbDataSource Source(string dataSource) =>
        SqliteFactory.Instance.CreateDataSource(new SqliteConnectionStringBuilder { DataSource = dataSource, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString());

    private static StoreCheck.Found Inspect(DbDataSource source)
    {
        using var connection = source.OpenConnection();
        var version = Convert.ToInt32(Sql.Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
        // pragma_table_info as a table-valued function: one statement for every table's columns.
        return StoreCheck.Collect(connection, version, "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table'");
    }

    private static void Migrate(SqliteConnection connection)
    {
        var current = Convert.ToInt32(Sql.Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
        if (current > Schema.Migrations.Length)
        {
            throw new IOException($"the store has schema version {current}, newer than this fillwise ({Schema.Migrations.Length}); use a newer fillwise.");
        }
        for (var v = current; v < Schema.Migrations.Length; v++)
        {
            using var transaction = connection.BeginTransaction();
            Sql.Execute(connection, Schema.Migrations[v] + $"; PRAGMA user_version = {v + 1};", transaction);
            transaction.Commit();
        }
    }

    private const int ReadOnly = 8;
    private const int CannotOpen = 14;
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    /// <summary>
    /// Closes the lock file and leaves it in place. Deleting it would let two writers hold "the" lock: a process
    /// that opened the old file before the unlink would lock the deleted inode while the next one creates and
    /// locks a new file at the path. A leftover file holds no lock (the kernel's flock is the lock), so the next
    /// writer of the run simply opens and locks it again.
    /// </summary>
    private sealed class FileLease(FileStream file) : IDisposable
    {
        public void Dispose() => file.Dispose();
    }
}
