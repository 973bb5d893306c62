using Fillwise.Core;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Fillwise.Telemetry.Tests;

/// <summary>The calibration statistic (known answers), the schema-6 prediction columns and their migration from schema 5.</summary>
public sealed class CalibrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fillwise-calibration-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void BucketsByPredictedFillShowOnlyBucketsWithEnoughParentsAndCountTheRest()
    {
        CalibrationSample S(double p, bool filled, double expected = double.NaN, double realised = double.NaN) => new(p, expected, filled, realised);
        var table = FillCalibration.Build(
        [
            S(0.05, true, 4.0, 1.0), S(0.08, false, 6.0, 5.0), // bucket 0.0-0.1
            S(0.95, true), S(1.0, true, 2.0, 1.5), S(0.91, false), // bucket 0.9-1.0 (1 belongs to the last bucket)
            S(0.5, true, 3.0, 3.0), // alone in 0.5-0.6: omitted
            S(double.NaN, false, 5.0, 4.0), // a taker choice: a cost, no P(fill)
        ], new CalibrationOptions { Buckets = 10, MinParents = 2 });

        Assert.Equal(6, table.Parents);
        Assert.Equal(1, table.OmittedParents);
        Assert.Equal(2, table.Rows.Count);
        var low = table.Rows[0];
        Assert.Equal((0.0, 0.1, 2, 2), (low.Lower, low.Upper, low.Parents, low.CostParents));
        Assert.Equal(0.065, low.PredictedMean, 12);
        Assert.Equal(0.5, low.RealisedFillRate, 12);
        Assert.Equal(5.0, low.ExpectedCostMeanBps!.Value, 12);
        Assert.Equal(3.0, low.RealisedCostMeanBps!.Value, 12);
        var high = table.Rows[1];
        Assert.Equal((0.9, 1.0, 3, 1), (high.Lower, high.Upper, high.Parents, high.CostParents));
        Assert.Equal(2.86 / 3, high.PredictedMean, 12);
        Assert.Equal(2.0 / 3, high.RealisedFillRate, 12);
        Assert.Equal(2.0, high.ExpectedCostMeanBps);
        Assert.Equal(1.5, high.RealisedCostMeanBps);
        // Cost over every parent with both costs, the taker choice and the omitted bucket included.
        Assert.Equal(5, table.Cost!.Parents);
        Assert.Equal(4.0, table.Cost.ExpectedMeanBps, 12);
        Assert.Equal(2.9, table.Cost.RealisedMeanBps, 12);

        Assert.Equal(0, FillCalibration.BucketOf(0.0, 10));
        Assert.Equal(1, FillCalibration.BucketOf(0.1, 10));
        Assert.Equal(9, FillCalibration.BucketOf(1.0, 10));
        Assert.Equal(0, FillCalibration.BucketOf(-0.2, 10));
        Assert.Equal(4, FillCalibration.BucketOf(0.999, 5));
        Assert.True(FillCalibration.FilledAsMaker(1.0));
        Assert.True(FillCalibration.FilledAsMaker(0.9995));
        Assert.False(FillCalibration.FilledAsMaker(0.99));
        Assert.False(FillCalibration.FilledAsMaker(double.NaN));
    }

    [Fact]
    public void NoSamplesIsAnEmptyTableAndBadOptionsAreOneSentence()
    {
        var empty = FillCalibration.Build([new CalibrationSample(double.NaN, double.NaN, false, 2.0)]);
        Assert.True(empty.IsEmpty);
        Assert.Empty(empty.Rows);
        Assert.Null(empty.Cost);
        Assert.Equal((10, 5), (empty.Buckets, empty.MinParents));
        var bad = Assert.Throws<OptionsException>(() => FillCalibration.Build([], new CalibrationOptions { Buckets = 0 }));
        Assert.Equal("Buckets must be at least 1 (got 0).", bad.Message);
    }

    [Fact]
    public void AReplayStoresEachDecisionsPredictionAndTheReadModelBucketsThem()
    {
        var db = Path.Combine(_dir, "replay.db");
        var (exit, _, error) = Cli.Run(["replay", .. Cli.Capture, "--db", db]);
        Assert.True(exit == 0, error);
        var reader = TelemetryReader.Open(db);
        var run = reader.ResolveRun(null)!;
        using var store = TelemetryStore.Open(db);
        // Intel predicts for every maker action it chooses, after its cold start (static at the touch: no prediction).
        var predicted = store.Query("SELECT COUNT(*) FROM parents p JOIN results r USING (run_id, parent_id) WHERE p.predicted_fill IS NOT NULL")[0][0];
        Assert.True((long)predicted! > 0, "no parent of the intel replay has a stored P(fill)");
        Assert.Empty(store.Query("SELECT parent_id FROM parents WHERE predicted_fill < 0 OR predicted_fill > 1"));
        Assert.Empty(store.Query("SELECT parent_id FROM parents WHERE predicted_fill IS NOT NULL AND expected_cost_bps IS NULL"));

        var view = reader.Calibration(run, null);
        Assert.Null(view.Message);
        Assert.Equal((long)predicted, view.Calibration.Parents);
        Assert.Equal(view.Calibration.Parents, view.Calibration.Rows.Sum(b => b.Parents) + view.Calibration.OmittedParents);
        Assert.All(view.Calibration.Rows, b => Assert.True(b.Parents >= 5 && b.PredictedMean >= b.Lower && b.PredictedMean <= b.Upper));
        Assert.Equal(view.Calibration, reader.Calibration(run, new Symbol("BTCUSDT")).Calibration);
        Assert.True(reader.Calibration(run, new Symbol("ETHUSDT")).Calibration.IsEmpty);
        // The parents list carries each decision's prediction, as stored.
        var stored = store.Query("SELECT parent_id, predicted_fill, expected_cost_bps FROM parents ORDER BY parent_id DESC")
            .Select(r => ((long)r[0]!, r[1] as double?, r[2] as double?)).ToList();
        Assert.Equal(stored, reader.Parents(run, 1000).Select(p => (p.ParentId, p.PredictedFill, p.ExpectedCostBps)).ToList());
    }

    [Fact]
    public void ASchema5StoreMigratesForwardKeepingItsRunWhichThenHasNoPredictions()
    {
        var db = Path.Combine(_dir, "v5.db");
        var (exit, _, error) = Cli.Run(["replay", .. Cli.Capture, "--db", db]);
        Assert.True(exit == 0, error);
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var downgrade = c.CreateCommand();
            // Schema 5 is schema 6 without the two prediction columns of parents.
            downgrade.CommandText = "ALTER TABLE parents DROP COLUMN predicted_fill; ALTER TABLE parents DROP COLUMN expected_cost_bps; PRAGMA user_version = 5;";
            downgrade.ExecuteNonQuery();
        }
        var oldRun = Schema5Store.MigrateForward(db);
        var reader = TelemetryReader.Open(db);
        var old = reader.Calibration(oldRun, null);
        Assert.True(old.Calibration.IsEmpty);
        Assert.StartsWith($"No predictions stored for run {oldRun}", old.Message, StringComparison.Ordinal);
        Assert.All(reader.Parents(oldRun, 100), p => Assert.Null(p.PredictedFill));

        // A new run into the migrated store stores its predictions beside the old run.
        (exit, _, error) = Cli.Run(["replay", .. Cli.Capture, "--db", db, "--seed", "2"]);
        Assert.True(exit == 0, error);
        var fresh = reader.Runs().Single(r => r.RunId != oldRun).RunId;
        Assert.False(reader.Calibration(fresh, null).Calibration.IsEmpty);
        Assert.True(reader.Calibration(oldRun, null).Calibration.IsEmpty);
    }
}

/// <summary>The same migration on PostgreSQL: a schema-5 database gains the prediction columns (NULL on old rows) when a writer opens it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresCalibrationMigrationTests(PostgresServer server)
{
    [PostgresFact]
    public async Task ASchema5DatabaseMigratesForwardAndItsOldRunHasNoPredictions()
    {
        var pg = await server.NewDatabase("calibration_v5");
        var (exit, _, error) = Cli.Run(["replay", .. Cli.Capture, "--db", pg]);
        Assert.True(exit == 0, error);
        var u = new Uri(pg);
        await using (var connection = new NpgsqlConnection($"Host={u.Host};Port={u.Port};Username=postgres;Database={u.AbsolutePath.Trim('/')};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var downgrade = new NpgsqlCommand("ALTER TABLE parents DROP COLUMN predicted_fill; ALTER TABLE parents DROP COLUMN expected_cost_bps; UPDATE fillwise_schema SET version = 5;", connection);
            await downgrade.ExecuteNonQueryAsync();
        }
        var oldRun = Schema5Store.MigrateForward(pg);
        using (var store = TelemetryStore.Open(pg))
        {
            Assert.Equal(["double precision", "double precision"],
                store.Query("SELECT data_type::text FROM information_schema.columns WHERE table_name = 'parents' AND column_name IN ('predicted_fill', 'expected_cost_bps')").Select(r => (string)r[0]!));
        }
        var reader = TelemetryReader.Open(pg);
        Assert.StartsWith($"No predictions stored for run {oldRun}", reader.Calibration(oldRun, null).Message, StringComparison.Ordinal);

        (exit, _, error) = Cli.Run(["replay", .. Cli.Capture, "--db", pg, "--seed", "2"]);
        Assert.True(exit == 0, error);
        var fresh = reader.Runs().Single(r => r.RunId != oldRun).RunId;
        Assert.False(reader.Calibration(fresh, null).Calibration.IsEmpty);
    }
}

/// <summary>What a schema-5 store (SQLite or PostgreSQL) must look like once a writer has opened it.</summary>
internal static class Schema5Store
{
    /// <summary>Readers refuse it as older; a writer migrates it to 6, keeping its 47 parents without predictions. Returns its run id.</summary>
    public static string MigrateForward(string db)
    {
        var refused = Assert.Throws<StoreException>(() => TelemetryReader.Open(db));
        Assert.Contains("written by an older fillwise (schema 5, this one reads 6)", refused.Message, StringComparison.Ordinal);
        using var store = TelemetryStore.Open(db);
        Assert.Equal(6, store.SchemaVersion);
        Assert.Equal(47L, store.Query("SELECT COUNT(*) FROM parents")[0][0]);
        Assert.Equal(0L, store.Query("SELECT COUNT(*) FROM parents WHERE predicted_fill IS NOT NULL OR expected_cost_bps IS NOT NULL")[0][0]);
        return (string)store.Query("SELECT run_id FROM runs")[0][0]!;
    }
}
