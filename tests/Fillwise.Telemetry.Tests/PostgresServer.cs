using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fillwise.TestData;
using Npgsql;

namespace Fillwise.Telemetry.Tests;

/// <summary>
/// A real PostgreSQL server for the tests, started once per test run: Debian's initdb and pg_ctl (installed with
/// apt-get when missing and we are root), run as user postgres, a data directory in a temporary folder, a free
/// loopback port, trust authentication on 127.0.0.1 only (plus one password role, to test a failed login),
/// stopped with pg_ctl stop -m immediate and deleted at the end.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>A role that needs a password, for the authentication-failure test.</summary>
    public const string PasswordRole = "fillwise_secret";
    public const string RightPassword = "the-right-password";

    private string _bin = "";
    private string _root = "";

    public int Port { get; private set; }

    /// <summary>One sentence when no server can be had here (neither installed nor installable), else null.</summary>
    public static string? Unavailable { get; } = FindBin() is not null || (IsRoot && File.Exists("/usr/bin/apt-get"))
        ? null
        : "PostgreSQL's initdb is not installed and cannot be installed here (not root, or no apt-get): install Debian's postgresql to run the PostgreSQL store tests.";

    private static bool IsRoot => Environment.UserName == "root";

    private string DataDirectory => Path.Combine(_root, "data");

    private string StandbyDirectory => Path.Combine(_root, "standby");

    public async Task InitializeAsync()
    {
        _bin = FindBin() ?? await Install();
        _root = Directory.CreateTempSubdirectory("fillwise-pg-").FullName;
        if (IsRoot)
        {
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres user Debian's package creates.
            await Run("chown", "postgres:postgres", _root);
        }
        await RunAsServerUser(Path.Combine(_bin, "initdb"), "-D", DataDirectory, "-U", "postgres", "-E", "UTF8", "--no-sync", "--auth=trust");
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), $"""
            host all {PasswordRole} 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust
            host replication postgres 127.0.0.1/32 trust
            """);
        Port = FreePort();
        // fsync off: the tests kill writers, not the server, so durability against power loss is not what they test.
        await RunAsServerUser(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_root} -c fsync=off -c max_connections=60", "start");
        await Admin($"CREATE ROLE {PasswordRole} LOGIN PASSWORD '{RightPassword}'");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_root.Length == 0)
        {
            return;
        }
        if (File.Exists(Path.Combine(StandbyDirectory, "postmaster.pid")))
        {
            await RunAsServerUser(Path.Combine(_bin, "pg_ctl"), "-D", StandbyDirectory, "-m", "immediate", "-w", "stop");
        }
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsServerUser(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>
    /// Starts a hot standby of this server (pg_basebackup -R: a streaming replica, read-only, in recovery) on a port
    /// of its own and returns that port; it is stopped and deleted with the server. One per test run.
    /// </summary>
    public async Task<int> StartStandby()
    {
        var port = FreePort();
        await RunAsServerUser(Path.Combine(_bin, "pg_basebackup"), "-D", StandbyDirectory, "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "postgres", "-R", "-X", "stream", "--checkpoint=fast", "--no-sync");
        await RunAsServerUser(Path.Combine(_bin, "pg_ctl"), "-D", StandbyDirectory, "-l", Path.Combine(_root, "standby.log"), "-w", "-t", "60",
            "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {_root} -c fsync=off -c hot_standby=on", "start");
        return port;
    }

    /// <summary>The libpq-style URI of a database on this server (trust login as postgres).</summary>
    public string Uri(string database) => $"postgresql://postgres@127.0.0.1:{Port}/{database}";

    /// <summary>Creates an empty database and returns its URI.</summary>
    public async Task<string> NewDatabase(string name)
    {
        await Admin($"CREATE DATABASE {name}");
        return Uri(name);
    }

    public async Task Admin(string sql)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string? FindBin()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Where(d => File.Exists(Path.Combine(d, "bin", "initdb"))).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).ToList()
            : [];
        return versions.Count > 0 ? Path.Combine(versions[0], "bin") : null;
    }

    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>Installs Debian's postgresql (a fresh CI machine has none): the tests run offline but for the package registry.</summary>
    private static async Task<string> Install()
    {
        await Installing.WaitAsync();
        try
        {
            await DebianPackage.Install("postgresql");
            return FindBin() ?? throw new InvalidOperationException("apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb is there.");
        }
        finally
        {
            Installing.Release();
        }
    }

    private static Task RunAsServerUser(string file, params string[] args) =>
        IsRoot ? Run("runuser", ["-u", "postgres", "--", file, .. args]) : Run(file, args);

    private static async Task Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` failed with exit code {process.ExitCode}: {error.Trim()} {(await output).Trim()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>A fact that needs a PostgreSQL server; skipped, with one sentence, only where none can be installed.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}

/// <summary>A theory that needs a PostgreSQL server; skipped, with one sentence, only where none can be installed.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (PostgresServer.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
