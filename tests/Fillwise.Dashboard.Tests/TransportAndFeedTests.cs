using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fillwise.Telemetry;

namespace Fillwise.Dashboard.Tests;

/// <summary>HTTPS, the shared live feed, and serving a store that must never be written.</summary>
public sealed class TransportAndFeedTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Token = "correct-horse-battery-staple";

    [Fact]
    public async Task HttpsWithoutACertificateUsesASelfSignedOneMadeInProcess()
    {
        var db = fixture.CopyOfStore("https-self.db");
        var (app, address) = await DashboardFixture.Serve(new DashboardOptions { DatabasePath = db, Urls = "https://127.0.0.1:0", Token = Token });
        await using var _ = app;
        Assert.StartsWith("https://", address, StringComparison.Ordinal);
        Assert.Contains("self-signed certificate generated in-process", DashboardApp.TlsDescription(app), StringComparison.Ordinal);
        X509Certificate2? seen = null;
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => { seen = new X509Certificate2(cert!); return true; } };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add(DashboardApp.TokenHeader, Token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/symbols")).StatusCode);
        Assert.NotNull(seen);
        var names = seen.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Contains("localhost", names.EnumerateDnsNames());
    }

    [Fact]
    public async Task HttpsWithACertificateFileServesThatCertificate()
    {
        var db = fixture.CopyOfStore("https-file.db");
        using var made = DashboardTls.SelfSigned(["127.0.0.1"], DateTimeOffset.UtcNow);
        var pfx = Path.Combine(fixture.Directory, "server.pfx");
        await File.WriteAllBytesAsync(pfx, made.Export(X509ContentType.Pkcs12, "pfx-password"));
        var (app, address) = await DashboardFixture.Serve(new DashboardOptions { DatabasePath = db, Urls = "https://127.0.0.1:0", CertificatePath = pfx, CertificatePassword = "pfx-password" });
        await using var _ = app;
        Assert.Contains(pfx, DashboardApp.TlsDescription(app), StringComparison.Ordinal);
        string? thumbprint = null;
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => { thumbprint = cert!.Thumbprint; return true; } };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(address) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(made.Thumbprint, thumbprint);

        // A wrong password is one sentence at start, not a crash.
        var error = Assert.Throws<ArgumentException>(() => DashboardApp.Build(new DashboardOptions { DatabasePath = db, Urls = "https://127.0.0.1:0", CertificatePath = pfx, CertificatePassword = "wrong" }));
        Assert.StartsWith("--cert: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080", true)]
    [InlineData("http://192.0.2.10:5080", true)]
    [InlineData("https://0.0.0.0:5080", false)]
    [InlineData("http://127.0.0.1:5080", false)]
    public void ATokenIsNeverServedOverPlainHttpBeyondLoopbackUnlessAllowed(string urls, bool refused)
    {
        var options = new DashboardOptions { DatabasePath = "x.db", Urls = urls, Token = Token };
        if (refused)
        {
            var error = Assert.Throws<ArgumentException>(options.Validate);
            Assert.Contains("refusing to send the token in clear", error.Message, StringComparison.Ordinal);
            (options with { AllowHttp = true }).Validate();
        }
        else
        {
            options.Validate();
        }
    }

    [Fact]
    public async Task OneSharedPollerServesEveryLiveClientWithTheSameDatabaseWork()
    {
        var db = fixture.CopyOfStore("feed.db");
        var poll = TimeSpan.FromMilliseconds(50);
        var (app, address) = await DashboardFixture.Serve(new DashboardOptions { DatabasePath = db, Urls = "http://127.0.0.1:0", PollEvery = poll });
        await using var _ = app;
        var reader = DashboardApp.Reader(app);
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan };

        var clients = new List<(HttpResponseMessage Response, StreamReader Stream)>();
        try
        {
            var before = reader.QueriesRun;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 200; i++)
            {
                var response = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
                var stream = new StreamReader(await response.Content.ReadAsStreamAsync());
                clients.Add((response, stream));
                Assert.Equal("event: update", await stream.ReadLineAsync());
                await stream.ReadLineAsync();
                await stream.ReadLineAsync();
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
            var queries = reader.QueriesRun - before;
            var ticks = clock.Elapsed / poll;
            // One statement per tick, whatever the number of clients (each polling on its own: >= 200 per tick).
            Assert.True(queries <= ticks + 3, $"{queries} queries in {ticks:F0} ticks with {clients.Count} clients");

            // A write reaches every client, and costs no client a query of its own.
            using (var store = TelemetryStore.Open(db))
            {
                store.SetToggle(new Fillwise.Core.Symbol("ETHUSDT"), false, DateTimeOffset.UtcNow);
            }
            var updates = await Task.WhenAll(clients.Select(async c =>
            {
                var line = await c.Stream.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
                await c.Stream.ReadLineAsync();
                await c.Stream.ReadLineAsync();
                return line;
            }));
            Assert.All(updates, u => Assert.Equal("event: update", u));
        }
        finally
        {
            foreach (var (response, stream) in clients)
            {
                stream.Dispose();
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task AReadOnlyStoreIsServedAndNeverWritten()
    {
        var db = fixture.CopyOfStore("readonly.db");
        File.SetAttributes(db, FileAttributes.ReadOnly); // the portable form of chmod a-w
        var hash = SHA256.HashData(await File.ReadAllBytesAsync(db));
        var (app, address) = await DashboardFixture.Serve(db);
        await using (app)
        {
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            foreach (var path in new[] { "/", "/api/symbols", "/api/runs", "/api/parents", "/api/expectancy", "/api/toggles", "/charts/heatmap.png" })
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);
            }
        }
        Assert.Equal(hash, SHA256.HashData(await File.ReadAllBytesAsync(db)));
    }

    [Fact]
    public void AForeignSqliteFileIsRefusedAndLeftAsItWas()
    {
        var db = Path.Combine(fixture.Directory, "other-app.db");
        using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            other.Open();
            using var create = other.CreateCommand();
            create.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('mine');";
            create.ExecuteNonQuery();
        }
        var hash = SHA256.HashData(File.ReadAllBytes(db));
        var error = Assert.Throws<StoreException>(() => DashboardApp.Build(new DashboardOptions { DatabasePath = db, Urls = "http://127.0.0.1:0" }));
        Assert.Equal($"{db}: not a Fillwise store (it has no Fillwise tables; create one with fillwise replay or fillwise demo).", error.Message);
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(db)));
        Assert.False(File.Exists(db + "-wal"));
    }
}
