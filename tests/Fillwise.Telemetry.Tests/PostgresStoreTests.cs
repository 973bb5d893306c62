using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fillwise.Dashboard;
using Npgsql;

namespace Fillwise.Telemetry.Tests;

/// <summary>The PostgreSQL store against a real server: the same rows and read model as SQLite, migrations, the dashboard, and the errors a user meets.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-pgstore-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("fillwise.db", false, "fillwise.db")]
    [InlineData("/data/stores/desk=1.db", false, "/data/stores/desk=1.db")]
    [InlineData("postgresql://desk@db.internal:5433/fills", true, "postgresql://desk@db.internal:5433/fills")]
    [InlineData("postgres://desk:s3cret@db.internal/fills?sslmode=disable", true, "postgresql://desk@db.internal:5432/fills")]
    [InlineData("Host=db.internal;Port=5433;Username=desk;Password=s3cret;Database=fills", true, "postgresql://desk@db.internal:5433/fills")]
    [InlineData("host=db.internal; database=fills; username=desk", true, "postgresql://desk@db.internal:5432/fills")]
    public void DbSelectsTheStoreInOnePlaceAndNeverShowsThePassword(string db, bool server, string shown)
    {
        var target = StoreTarget.Parse(db);
        Assert.Equal(server, target.IsServer);
        Assert.Equal(shown, target.Display);
        Assert.DoesNotContain("s3cret", target.Display, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task TheSameReplayWrittenToSqliteAndToPostgresReadsTheSameThroughTheReadModel()
    {
        var sqlite = Path.Combine(_dir, "same.db");
        var pg = await server.NewDatabase("same_replay");
        foreach (var db in new[] { sqlite, pg })
        {
            var (exit, output, error) = Cli.Run([.. Replay, "--db", db]);
            Assert.True(exit == 0, error);
            Assert.Contains("47 parent orders", output, StringComparison.Ordinal);
            using var store = TelemetryStore.Open(db);
            store.SetToggle(new Core.Symbol("ETHUSDT"), false, new DateTimeOffset(2024, 7, 19, 0, 0, 0, TimeSpan.Zero));
        }
        var fromSqlite = ReadModel(sqlite);
        Assert.Contains("\"Symbol\":\"BTCUSDT\"", fromSqlite, StringComparison.Ordinal);
        Assert.Equal(fromSqlite, ReadModel(pg));
        using (var a = TelemetryStore.Open(sqlite))
        using (var b = TelemetryStore.Open(pg))
        {
            Assert.Equal(a.SchemaVersion, b.SchemaVersion);
            Assert.Equal(a.Dump(), b.Dump());
            Assert.True(b.Dump().Split('\n').Length > 400);
        }
        Assert.Equal(Cli.Run("intel", "show", "--db", sqlite, "--json").Out, Cli.Run("intel", "show", "--db", pg, "--json").Out);

        // Run reuse and --force work the same: a complete run is not run again; --force replaces it in one transaction.
        var (again, _, said) = Cli.Run([.. Replay, "--db", pg]);
        Assert.Equal(0, again);
        Assert.Contains("already complete in postgresql://postgres@127.0.0.1:", said, StringComparison.Ordinal);
        var (forced, replaced, forceError) = Cli.Run([.. Replay, "--db", pg, "--force"]);
        Assert.True(forced == 0, forceError);
        Assert.Contains("replaced the complete run", replaced, StringComparison.Ordinal);
        Assert.Equal(fromSqlite, ReadModel(pg));
    }

    [PostgresFact]
    public async Task ProcessesOpeningANewDatabaseAtOnceMigrateItOnce()
    {
        var pg = await server.NewDatabase("migrate_at_once");
        var versions = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
        {
            using var store = TelemetryStore.Open(pg);
            return store.SchemaVersion;
        })));
        Assert.All(versions, v => Assert.Equal(versions[0], v));
        Assert.True(versions[0] >= 5);
        await using var connection = new NpgsqlConnection(Npgsql(pg));
        await connection.OpenAsync();
        await using var rows = new NpgsqlCommand("SELECT COUNT(*) FROM fillwise_schema", connection);
        Assert.Equal(1L, await rows.ExecuteScalarAsync());
    }

    [PostgresFact]
    public async Task TheDashboardOverPostgresListsEveryRunAndTakesAToggle()
    {
        var pg = await server.NewDatabase("dashboard");
        foreach (var policy in new[] { "static", "intel" })
        {
            var (exit, _, error) = Cli.Run([.. Replay, "--db", pg, "--policy", policy]);
            Assert.True(exit == 0, error);
        }
        var app = DashboardApp.Build(new DashboardOptions { DatabasePath = pg, Urls = "http://127.0.0.1:0" });
        await using var _ = app;
        var address = await DashboardApp.StartAsync(app);
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using var runs = JsonDocument.Parse(await http.GetStringAsync("/api/runs"));
        var listed = runs.RootElement.EnumerateArray().ToList();
        Assert.Equal(["intel", "static"], listed.Select(r => r.GetProperty("policy").GetString()).Order(StringComparer.Ordinal));
        Assert.All(listed, r => Assert.Equal("complete", r.GetProperty("status").GetString()));
        Assert.All(listed, r => Assert.Equal(47, r.GetProperty("parents").GetInt32()));
        foreach (var run in listed.Select(r => r.GetProperty("run_id").GetString()))
        {
            using var symbols = JsonDocument.Parse(await http.GetStringAsync($"/api/symbols?run={run}"));
            Assert.Equal("BTCUSDT", symbols.RootElement.GetProperty("symbols")[0].GetProperty("symbol").GetString());
            using var parents = JsonDocument.Parse(await http.GetStringAsync($"/api/parents?run={run}"));
            Assert.True(parents.RootElement.GetArrayLength() > 0);
        }

        using var token = JsonDocument.Parse(await http.GetStringAsync("/api/antiforgery"));
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/toggles/BTCUSDT") { Content = JsonContent.Create(new { enabled = false }) };
        post.Headers.Add("X-CSRF-TOKEN", token.RootElement.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(post)).StatusCode);
        Assert.Equal("{\"BTCUSDT\":false}", await http.GetStringAsync("/api/toggles"));
    }

    public static TheoryData<string, string, string> BadTargets => new()
    {
        { "intel", "postgresql://postgres@127.0.0.1:{free}/x", "cannot reach the PostgreSQL server at 127.0.0.1:{free}" },
        { "replay", "postgresql://postgres@127.0.0.1:{free}/x", "cannot reach the PostgreSQL server at 127.0.0.1:{free}" },
        { "intel", $"postgresql://{PostgresServer.PasswordRole}:wrong-password@127.0.0.1:{{port}}/postgres", $"authentication failed for user {PostgresServer.PasswordRole}" },
        { "replay", $"Host=127.0.0.1;Port={{port}};Username={PostgresServer.PasswordRole};Password=wrong-password;Database=postgres", $"authentication failed for user {PostgresServer.PasswordRole}" },
        { "intel", $"postgresql://{PostgresServer.PasswordRole}@127.0.0.1:{{port}}/postgres", $"authentication failed for user {PostgresServer.PasswordRole} (No password has been provided" },
        { "intel", "postgresql://postgres@127.0.0.1:{port}/no_such_db", "database no_such_db does not exist on the server" },
        { "intel", "postgresql://postgres@127.0.0.1:{port}/postgres", "not a Fillwise store" },
        { "intel", "postgresql://postgres@[not-a-host/x", "not a valid PostgreSQL connection string" },
        { "intel", "Host=127.0.0.1;Colour=blue", "not a valid PostgreSQL connection string" },
    };

    [PostgresTheory]
    [MemberData(nameof(BadTargets))]
    public void ABadConnectionStringOrServerIsOneSentence(string command, string db, string expected)
    {
        var free = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Fill(string s) => s.Replace("{free}", free, StringComparison.Ordinal).Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        string[] args = command == "intel" ? ["intel", "show", "--db", Fill(db)] : [.. Replay, "--db", Fill(db)];
        var (exit, _, error) = Cli.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(Fill(expected), error, StringComparison.Ordinal);
        // One sentence, after replay's note on options it adapted to the input.
        Assert.Single(error.Trim().Split('\n'), line => !line.StartsWith("fillwise: adapted ", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task ADatabaseWithSomeoneElsesTablesIsRefusedAndLeftAsItWas()
    {
        var pg = await server.NewDatabase("foreign_app");
        await using (var connection = new NpgsqlConnection(Npgsql(pg)))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE runs (id serial PRIMARY KEY, note text); INSERT INTO runs (note) VALUES ('theirs')", connection);
            await create.ExecuteNonQueryAsync();
        }
        var (exit, _, error) = Cli.Run([.. Replay, "--db", pg]);
        Assert.Equal(2, exit);
        Assert.Contains("not a Fillwise database (relation \"runs\" already exists", error, StringComparison.Ordinal);
        var (showExit, _, showError) = Cli.Run("intel", "show", "--db", pg);
        Assert.Equal(2, showExit);
        Assert.Contains("not a Fillwise store", showError, StringComparison.Ordinal);
        await using var check = new NpgsqlConnection(Npgsql(pg));
        await check.OpenAsync();
        // The failed migration rolled back whole: their table as it was, no Fillwise table at all.
        await using var tables = new NpgsqlCommand("SELECT string_agg(table_name::text, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'", check);
        Assert.Equal("runs", await tables.ExecuteScalarAsync());
        await using var note = new NpgsqlCommand("SELECT note FROM runs", check);
        Assert.Equal("theirs", await note.ExecuteScalarAsync());
    }

    [PostgresFact]
    public async Task AUserWithoutRightsOnTheTablesIsToldSoInOneSentence()
    {
        var pg = await server.NewDatabase("not_yours");
        TelemetryStore.Open(pg).Dispose();
        var asOther = $"postgresql://{PostgresServer.PasswordRole}:{PostgresServer.RightPassword}@127.0.0.1:{server.Port}/not_yours";
        var (exit, _, error) = Cli.Run("intel", "show", "--db", asOther);
        Assert.Equal(2, exit);
        Assert.Contains($"user {PostgresServer.PasswordRole} may not use the Fillwise tables (permission denied for table", error, StringComparison.Ordinal);
        Assert.DoesNotContain(PostgresServer.RightPassword, error, StringComparison.Ordinal);
    }

    private static readonly string[] Replay = ["replay", .. Cli.Capture];

    /// <summary>Everything the read model gives for every run, as JSON: what the dashboard and `intel show` see.</summary>
    private static string ReadModel(string db)
    {
        var reader = TelemetryReader.Open(db);
        var runs = reader.Runs();
        var btc = new Core.Symbol("BTCUSDT");
        return JsonSerializer.Serialize(new
        {
            runs,
            resolved = reader.ResolveRun(null),
            toggles = reader.Toggles(),
            version = reader.Version(),
            each = runs.Select(r => new
            {
                symbols = reader.Symbols(r.RunId),
                with_health = reader.SymbolsWithHealth(r.RunId),
                score = reader.GetSymbolScore(r.RunId, btc),
                hourly = reader.GetHourlyExpectancy(r.RunId, null),
                hourly_btc = reader.GetHourlyExpectancy(r.RunId, btc),
                offsets = reader.OffsetHistory(r.RunId, btc, maxPoints: 3),
                parents = reader.Parents(r.RunId, 1000),
                details = reader.Parents(r.RunId, 1000).Select(p => reader.Parent(r.RunId, p.ParentId)),
                calibration = reader.Calibration(r.RunId, null),
                calibration_btc = reader.Calibration(r.RunId, btc),
            }),
        });
    }

    private static string Npgsql(string uri)
    {
        var u = new Uri(uri);
        return $"Host={u.Host};Port={u.Port};Username=postgres;Database={u.AbsolutePath.Trim('/')};Pooling=false";
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
