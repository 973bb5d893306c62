using System.Security.Cryptography;
using Fillwise.Telemetry;
using Fillwise.TestData;
using Microsoft.Data.Sqlite;
using static Fillwise.Cli.Tests.Cli;

namespace Fillwise.Cli.Tests;

/// <summary>`intel show` and `serve` read stores and never write them, whatever file they are given.</summary>
public sealed class ReadOnlyStoreTests : IDisposable
{
    private static readonly string[] Capture = [TestPaths.SampleCapture("btcusdt_20240718.gz"), TestPaths.SampleCapture("btcusdt_20240719.gz")];
    private static readonly Lazy<string> Replayed = new(() =>
    {
        var db = Path.Combine(Directory.CreateTempSubdirectory("fillwise-readonly-template-").FullName, "replayed.db");
        var (exit, _, error) = Run("replay", "--capture", Capture[0], Capture[1], "--db", db);
        Assert.True(exit == 0, error);
        return db;
    });

    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-readonly-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Copy(string name)
    {
        var db = Path.Combine(_dir, name);
        File.Copy(Replayed.Value, db);
        return db;
    }

    public static TheoryData<string> ReadCommands => new() { "intel", "serve" };

    private static (int Exit, string Out, string Err) Read(string command, string db) => command == "intel"
        ? Run("intel", "show", "--db", db)
        // serve stops at validation when refusing; if it ever started, the wait would fail the test.
        : Task.Run(() => Run("serve", "--db", db, "--urls", "http://127.0.0.1:0")).WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public void AnotherApplicationsDatabaseIsNotAFillwiseStoreAndIsNotTouched(string command)
    {
        var db = Path.Combine(_dir, "other.db");
        using (var other = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            other.Open();
            using var create = other.CreateCommand();
            create.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep me');";
            create.ExecuteNonQuery();
        }
        var hash = Hash(db);
        var (exit, _, error) = Read(command, db);
        Assert.Equal(2, exit);
        Assert.Equal($"fillwise: {db}: not a Fillwise store (it has no Fillwise tables; create one with fillwise replay or fillwise demo).", error.Trim());
        Assert.Equal(hash, Hash(db));
        Assert.False(File.Exists(db + "-wal"), "WAL was switched on");
        using var check = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var journal = check.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        Assert.Equal("delete", journal.ExecuteScalar());
    }

    [Theory]
    [InlineData("short")]
    [InlineData("aaaaaaaaaaaaaaaaaaaa")]
    [InlineData("abcdefghijklmnopqrst")]
    [InlineData("abcabcabcabcabcabcabc")]
    [InlineData("abcdefghabcdefgh")]
    [InlineData("1111111122222222")]
    public async Task ServeRefusesAWeakTokenWithOneSentence(string token)
    {
        // serve stops at validation when refusing; if it ever started, the wait would fail the test.
        var db = Copy($"weak-{token}.db");
        var (exit, _, error) = await Task.Run(() => Run("serve", "--db", db, "--token", token)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exit);
        Assert.Contains("--token: use at least 16 characters with at least 8 different ones", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("intel", "random")]
    [InlineData("serve", "random")]
    [InlineData("intel", "empty")]
    [InlineData("intel", "text")]
    public void AFileThatIsNotADatabaseIsOneSentence(string command, string kind)
    {
        var db = Path.Combine(_dir, kind + ".db");
        var bytes = kind switch
        {
            "random" => new Random(7).GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 64 * 1024),
            "text" => "timestamp,symbol,side,target_qty\n"u8.ToArray(),
            _ => [],
        };
        File.WriteAllBytes(db, bytes);
        var (exit, output, error) = Read(command, db);
        Assert.Equal(2, exit);
        Assert.StartsWith($"fillwise: {db}: not a Fillwise store", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(string.Empty, output);
        Assert.Equal(bytes, File.ReadAllBytes(db));
    }

    [Fact]
    public void ACorruptedPageIsReportedAsCorruptedNotACrash()
    {
        var db = Copy("corrupted.db");
        long page, pageSize;
        using (var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False"))
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = 'health'";
            page = (long)q.ExecuteScalar()!;
            q.CommandText = "PRAGMA page_size";
            pageSize = (long)q.ExecuteScalar()!;
        }
        // Scribble over the health table's root page (its b-tree header), as a failing disk would.
        using (var file = File.OpenWrite(db))
        {
            file.Position = (page - 1) * pageSize;
            file.Write(new Random(3).GetItems<byte>([0x00, 0xff, 0x7f, 0x0d], (int)pageSize));
        }
        var (exit, _, error) = Run("intel", "show", "--db", db);
        Assert.Equal(2, exit);
        Assert.StartsWith($"fillwise: {db}: corrupted (", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOlderStoreSaysHowToMigrateAndIsNotMigratedByAReadOnlyCommand()
    {
        var db = Copy("older.db");
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var downgrade = c.CreateCommand();
            // Schema 3 is schema 6 without the mirror's columns (v4), the runs' data-quality columns (v5) and the parents' predictions (v6).
            downgrade.CommandText = string.Concat(new[] { "drops", "commits", "retries", "failures", "last_success", "last_error", "circuit_open" }
                .Select(m => $"ALTER TABLE health DROP COLUMN mirror_{m};")) + "ALTER TABLE runs DROP COLUMN data_errors; ALTER TABLE runs DROP COLUMN book_gaps; ALTER TABLE parents DROP COLUMN predicted_fill; ALTER TABLE parents DROP COLUMN expected_cost_bps; PRAGMA user_version = 3; PRAGMA journal_mode = DELETE;";
            downgrade.ExecuteNonQuery();
        }
        var hash = Hash(db);
        var (exit, _, error) = Run("intel", "show", "--db", db);
        Assert.Equal(2, exit);
        Assert.Contains("written by an older fillwise (schema 3, this one reads 6)", error, StringComparison.Ordinal);
        Assert.Contains("fillwise replay", error, StringComparison.Ordinal);
        Assert.Equal(hash, Hash(db));

        // What the sentence promises: a replay into it migrates it, and then it reads.
        using (TelemetryStore.Open(db))
        {
        }
        Assert.Equal(0, Run("intel", "show", "--db", db).Exit);
    }

    [Fact]
    public void AReadOnlyStoreIsShownAndItsBytesNeverChange()
    {
        var db = Copy("readonly.db");
        var expected = Run("intel", "show", "--db", Replayed.Value);
        File.SetAttributes(db, FileAttributes.ReadOnly); // the portable form of chmod a-w
        var hash = Hash(db);
        var shown = Run("intel", "show", "--db", db);
        Assert.True(shown.Exit == 0, shown.Err);
        Assert.Equal(expected.Out, shown.Out);
        Assert.Equal(0, Run("intel", "show", "--db", db, "--json").Exit);
        Assert.Equal(hash, Hash(db));
    }

    [Fact]
    public void AStoreInADirectoryNobodyMayWriteIsShown()
    {
        // SQLite reads a WAL store through a -shm file beside it; here it cannot create one.
        var dir = Path.Combine(_dir, "locked");
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "store.db");
        File.Copy(Replayed.Value, db);
        var expected = Run("intel", "show", "--db", Replayed.Value).Out;
        var readable = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        File.SetUnixFileMode(_dir, readable);
        File.SetUnixFileMode(dir, readable);
        File.SetUnixFileMode(db, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string output;
        if (Environment.UserName == "root")
        {
            // Root may write anywhere: run the real binary as an unprivileged user instead.
            var start = new System.Diagnostics.ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", typeof(CliApp).Assembly.Location, "intel", "show", "--db", db })
            {
                start.ArgumentList.Add(arg);
            }
            using var process = System.Diagnostics.Process.Start(start)!;
            output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, error);
        }
        else
        {
            var (exit, text, error) = Run("intel", "show", "--db", db);
            Assert.True(exit == 0, error);
            output = text;
        }
        Assert.Equal(expected, output);
        Assert.Equal([db], Directory.GetFiles(dir));
        File.SetUnixFileMode(dir, readable | UnixFileMode.UserWrite);
    }

    [Fact]
    public void EveryColumnTheWriterAndReaderUseExistsInTheMigratedSchemaInOrder()
    {
        var db = Path.Combine(_dir, "fresh.db");
        using var store = TelemetryStore.Open(db);
        foreach (var table in Tables.All)
        {
            var actual = store.Query($"SELECT name FROM pragma_table_info('{table.Name}') ORDER BY cid").Select(r => (string)r[0]!).ToList();
            var expected = table is PlainTable ? table.Columns : table.Columns.Prepend(Col.RunId).ToList();
            Assert.Equal(expected, actual);
        }
        Assert.Equal(store.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").Select(r => (string)r[0]!).Order(StringComparer.Ordinal),
            Tables.All.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    private static byte[] Hash(string path) => SHA256.HashData(File.ReadAllBytes(path));
}
