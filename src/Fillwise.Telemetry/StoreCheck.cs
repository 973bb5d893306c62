using System.Data.Common;

namespace Fillwise.Telemetry;

/// <summary>
/// Decides, without writing anything, whether a store is a Fillwise store this build can read: one whose schema version is this build's and whose tables have every column <see cref="Tables"/> defines.
/// </summary>
internal static class StoreCheck
{
    public sealed record Found(int Version, IReadOnlyDictionary<string, HashSet<string>> Columns);

    /// <summary>The schema version and every table's columns, from a query returning (table, column) rows.</summary>
    public static Found Collect(DbConnection connection, int version, string tableColumnsSql)
    {
        var columns = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var command = Sql.Command(connection, tableColumnsSql);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var table = reader.GetString(0);
            if (!columns.TryGetValue(table, out var set))
            {
                columns[table] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            set.Add(reader.GetString(1));
        }
        return new Found(version, columns);
    }

    public static void Validate(string path, Found found)
    {
        var current = Schema.Migrations.Length;
        if (!found.Columns.ContainsKey(Tables.Runs.Name) || !found.Columns.ContainsKey(Tables.Health.Name) || found.Version == 0)
        {
            throw new StoreException($"{path}: not a Fillwise store (it has no Fillwise tables; create one with fillwise replay or fillwise demo).");
        }
        if (found.Version > current)
        {
            throw new StoreException($"{path}: written by a newer fillwise (schema {found.Version}, this one reads {current}); use a newer fillwise.");
        }
        if (found.Version < current)
        {
            throw new StoreException($"{path}: written by an older fillwise (schema {found.Version}, this one reads {current}); read-only commands never migrate a store: write to it once with `fillwise replay ... --db {path}`, which migrates it, or use the fillwise that wrote it.");
        }
        foreach (var table in Tables.All)
        {
            if (!found.Columns.TryGetValue(table.Name, out var has))
            {
                throw new StoreException($"{path}: not a Fillwise store (it has no {table.Name} table).");
            }
            var missing = (Tables.HasRunId(table) ? table.Columns.Prepend(Col.RunId) : table.Columns).FirstOrDefault(c => !has.Contains(c));
            if (missing is not null)
            {
                throw new StoreException($"{path}: not a Fillwise store (table {table.Name} has no column {missing}).");
            }
        }
    }
}
