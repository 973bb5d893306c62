using Microsoft.Data.Sqlite;

namespace Fillwise.Telemetry;

/// <summary>
/// A store that cannot be used as it is: missing, not a Fillwise store, corrupted, or of another schema version.
/// The message is one sentence starting with the path, fit for stderr or a problem detail.
/// </summary>
public sealed class StoreException : IOException
{
    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public StoreException()
    {
    }

    /// <summary>SQLite's result codes for "this file is damaged" and "this file is not a database".</summary>
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    /// <summary>One sentence for an SQLite error met while reading <paramref name="path"/>.</summary>
    public static StoreException From(string path, SqliteException e) => e.SqliteErrorCode switch
    {
        Corrupt => new StoreException($"{path}: corrupted ({e.Message.TrimEnd('.')}).", e),
        NotADatabase => new StoreException($"{path}: not a Fillwise store (not an SQLite database).", e),
        _ => new StoreException($"{path}: cannot be read ({e.Message.TrimEnd('.')}).", e),
    };
}
