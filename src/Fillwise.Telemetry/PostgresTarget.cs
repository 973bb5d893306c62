using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Fillwise.Telemetry;

/// <summary>
/// A store in a PostgreSQL database, shared by several writing processes: the same migrations as SQLite (column
/// types mapped once, in <see cref="Ddl"/>) recorded in a schema-version table and applied in one transaction
/// under an advisory lock, so two processes starting at once migrate once; one writer per run through a session-level advisory lock on a
/// hash of the run id, which the server releases when the holding process's connection drops (kill -9 included).
/// </summary>
internal sealed partial class PostgresTarget : StoreTarget
{
    /// <summary>The table that plays PRAGMA user_version's part.</summary>
    private const string VersionTable = "fillwise_schema";

    /// <summary>Advisory lock key held while migrating ("FILLWISE" in ASCII); a run's key (a hash) equals it only by a 2^-64 chance.</summary>
    private const long MigrationKey = 0x46494C4C57495345;

    private readonly NpgsqlConnectionStringBuilder _builder;

    private PostgresTarget(NpgsqlConnectionStringBuilder builder)
    {
        _builder = builder;
        var user = string.IsNullOrEmpty(builder.Username) ? "" : Uri.EscapeDataString(builder.Username) + "@";
        var host = builder.Host is { } h && h.Contains(':', StringComparison.Ordinal) && !h.StartsWith('[') ? $"[{h}]" : builder.Host;
        Display = $"postgresql://{user}{host}:{builder.Port}/{Uri.EscapeDataString(builder.Database ?? "")}";
    }

    public override string Display { get; }

    public override bool IsServer => true;

    // The most recently written run: xmin is the id of the transaction that last wrote the row (PostgreSQL has no rowid).
    internal override string NewestRunFirst => "xmin::text::bigint DESC";

    public static bool Accepts(string db) =>
        db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || KeyValueHost().IsMatch(db);

    public static PostgresTarget From(string db)
    {
        try
        {
            var builder = db.Contains("://", StringComparison.Ordinal) ? FromUri(db) : new NpgsqlConnectionStringBuilder(db);
            if (string.IsNullOrEmpty(builder.Host))
            {
                builder.Host = "localhost";
            }
            return new PostgresTarget(builder);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            throw new StoreException($"--db: not a valid PostgreSQL connection string ({e.Message.TrimEnd('.')}); expected postgresql://user@host:port/database or Host=…;Port=…;Username=…;Database=….", e);
        }
    }

    internal override DbConnection OpenForWriting()
    {
        var connection = Connect(Writer());
        try
        {
            Migrate(connection);
        }
        catch (DbException e)
        {
            connection.Dispose();
            throw Explain(e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    internal override DbConnection OpenExisting() => Connect(Writer());

    internal override DbDataSource OpenForReading()
    {
        // Every read-model connection is read-only on the server side too: a read can never write or migrate.
        var reader = new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Pooling = true, Options = Join(_builder.Options, "-c default_transaction_read_only=on") };
        var source = NpgsqlDataSource.Create(reader);
        try
        {
            using var connection = source.OpenConnection();
            var found = StoreCheck.Collect(connection, SchemaVersion(connection),
                "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema()");
            StoreCheck.Validate(Display, found);
        }
        catch (DbException e)
        {
            source.Dispose();
            throw Explain(e);
        }
        catch
        {
            source.Dispose();
            throw;
        }
        return source;
    }

    internal override int SchemaVersion(DbConnection connection) =>
        Sql.Scalar(connection, $"SELECT to_regclass('{VersionTable}') IS NOT NULL") is true
            ? Convert.ToInt32(Sql.Scalar(connection, $"SELECT COALESCE(MAX(version), 0) FROM {VersionTable}"), CultureInfo.InvariantCulture)
            : 0;

    internal override IDisposable? TryLockRun(DbConnection connection, string runId)
    {
        var key = RunKey(runId);
        return Sql.Scalar(connection, "SELECT pg_try_advisory_lock(@key)", ("@key", key)) is true ? new AdvisoryLease(connection, key) : null;
    }

    internal override bool HasLiveWriter(DbConnection connection, string runId)
    {
        // Looked up in pg_locks, never taken: taking it even for a moment would refuse a writer arriving in that
        // moment, and advisory locks are re-entrant per session, so a probe on the writer's own session would
        // succeed and call its own run dead. A bigint key shows as its high half in classid, its low half in objid
        // and objsubid 1. A hot standby cannot see the primary's locks: there nothing can be told, so the run's
        // stored status stands.
        var key = RunKey(runId);
        return Sql.Scalar(connection, """
            SELECT pg_is_in_recovery() OR EXISTS (
                SELECT 1 FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 1
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND classid::text::bigint = @high AND objid::text::bigint = @low)
            """, ("@high", (key >> 32) & 0xFFFFFFFFL), ("@low", key & 0xFFFFFFFFL)) is true;
    }

    internal override string LockHolder(string runId) => $"it holds the run's advisory lock {RunKey(runId)}";

    internal override StoreException Explain(DbException e) => e switch
    {
        PostgresException { SqlState: "28P01" or "28000" } p => new StoreException($"{Display}: authentication failed for user {_builder.Username} ({p.MessageText.TrimEnd('.')}); check the user name and password, or the server's pg_hba.conf.", e),
        PostgresException { SqlState: "3D000" } => new StoreException($"{Display}: database {_builder.Database} does not exist on the server; create it first (createdb {_builder.Database}).", e),
        PostgresException { SqlState: "42P01" } p => new StoreException($"{Display}: not a Fillwise database ({p.MessageText.TrimEnd('.')}).", e),
        PostgresException { SqlState: "42P07" } p => new StoreException($"{Display}: not a Fillwise database ({p.MessageText.TrimEnd('.')}, a table fillwise did not create); give fillwise a database of its own.", e),
        PostgresException { SqlState: "42501" } p => new StoreException($"{Display}: user {_builder.Username} may not use the Fillwise tables ({p.MessageText.TrimEnd('.')}); grant it rights on them, or connect as their owner.", e),
        PostgresException { SqlState: "25006" } => new StoreException($"{Display}: the database is read-only for this user; the write was refused.", e),
        PostgresException p => new StoreException($"{Display}: PostgreSQL refused the statement ({p.SqlState}: {p.MessageText.TrimEnd('.')}).", e),
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } n =>
            new StoreException($"{Display}: cannot reach the PostgreSQL server at {_builder.Host}:{_builder.Port} ({n.InnerException!.Message.TrimEnd('.')}); check that it runs and the host and port.", e),
        NpgsqlException n when n.Message.Contains("password", StringComparison.OrdinalIgnoreCase) =>
            new StoreException($"{Display}: authentication failed for user {_builder.Username} ({n.Message.TrimEnd('.')}); give the password in the URI, in PGPASSWORD or in ~/.pgpass.", e),
        _ => new StoreException($"{Display}: PostgreSQL failed ({e.Message.TrimEnd('.')}).", e),
    };

    /// <summary>
    /// The SQLite migrations as PostgreSQL DDL: 64-bit integers, double precision reals, and byte-order text (the
    /// C collation, as SQLite's BINARY) so ORDER BY on text gives the same order in both stores.
    /// </summary>
    internal static string Ddl(string migration) =>
        TextType().Replace(RealType().Replace(IntegerType().Replace(migration, "BIGINT"), "DOUBLE PRECISION"), "TEXT COLLATE \"C\"");

    private NpgsqlConnectionStringBuilder Writer() =>
        // Not pooled: the run's advisory lock lives exactly as long as this one session.
        new(_builder.ConnectionString) { Pooling = false };

    private NpgsqlConnection Connect(NpgsqlConnectionStringBuilder builder)
    {
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            connection.Open();
        }
        catch (DbException e)
        {
            connection.Dispose();
            throw Explain(e);
        }
        return connection;
    }

    /// <summary>
    /// Every pending migration in one transaction (PostgreSQL's DDL is transactional: a failure leaves nothing
    /// behind), under a transaction-scoped advisory lock: two processes starting at once migrate once, the second
    /// waiting and then finding the schema current.
    /// </summary>
    private void Migrate(DbConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        Sql.Execute(connection, "SELECT pg_advisory_xact_lock(@key)", transaction, ("@key", MigrationKey));
        Sql.Execute(connection, $"CREATE TABLE IF NOT EXISTS {VersionTable} (version INTEGER NOT NULL)", transaction);
        var current = SchemaVersion(connection);
        if (current > Schema.Migrations.Length)
        {
            throw new StoreException($"{Display}: the store has schema version {current}, newer than this fillwise ({Schema.Migrations.Length}); use a newer fillwise.");
        }
        for (var v = current; v < Schema.Migrations.Length; v++)
        {
            Sql.Execute(connection, Ddl(Schema.Migrations[v]), transaction);
        }
        Sql.Execute(connection, $"DELETE FROM {VersionTable}; INSERT INTO {VersionTable} (version) VALUES (@v)", transaction, ("@v", Schema.Migrations.Length));
        transaction.Commit();
    }

    private static NpgsqlConnectionStringBuilder FromUri(string db)
    {
        var uri = new Uri(db);
        var builder = new NpgsqlConnectionStringBuilder();
        if (!string.IsNullOrEmpty(uri.Host))
        {
            builder.Host = uri.IdnHost.Trim('[', ']');
        }
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            // libpq's parameter names where Npgsql spells them differently; any other keyword goes to Npgsql as is.
            builder[key switch
            {
                "user" => "Username",
                "dbname" => "Database",
                "sslmode" => "SSL Mode",
                "connect_timeout" => "Timeout",
                "application_name" => "Application Name",
                _ => key,
            }] = value;
        }
        return builder;
    }

    private static long RunKey(string runId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("fillwise-run:" + runId)), 0);

    private static string Join(string? options, string more) => string.IsNullOrWhiteSpace(options) ? more : options + " " + more;

    [GeneratedRegex(@"(^|;)\s*(host|server)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValueHost();

    [GeneratedRegex(@"\bINTEGER\b")]
    private static partial Regex IntegerType();

    [GeneratedRegex(@"\bREAL\b")]
    private static partial Regex RealType();

    [GeneratedRegex(@"\bTEXT\b")]
    private static partial Regex TextType();

    /// <summary>Releases the run's advisory lock; a dropped connection has released it already.</summary>
    private sealed class AdvisoryLease(DbConnection connection, long key) : IDisposable
    {
        public void Dispose()
        {
            if (connection.State != System.Data.ConnectionState.Open)
            {
                return;
            }
            try
            {
                Sql.Execute(connection, "SELECT pg_advisory_unlock(@key)", ("@key", key));
            }
            catch (DbException)
            {
                // The session is gone, and its locks with it.
            }
        }
    }
}
