using System.Data.Common;

namespace Fillwise.Telemetry;

/// <summary>
/// Small ADO.NET helpers over either provider. Parameters are spelled <c>@name</c>, which SQLite and Npgsql both
/// accept, so a statement is written once for both stores.
/// </summary>
internal static class Sql
{
    /// <returns>The number of rows the statement changed.</returns>
    public static int Execute(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Execute(connection, sql, null, parameters);

    public static int Execute(DbConnection connection, string sql, DbTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.Transaction = transaction;
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            Bind(command.Parameters, command.CreateParameter(), name, value);
        }
        return command;
    }

    public static void Bind(DbParameterCollection parameters, DbParameter parameter, string name, object? value)
    {
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        parameters.Add(parameter);
    }
}
