using System.Data;
using System.Data.Common;

namespace Switchyard.Storage.Internal;

/// <summary>
/// Typed parameters for SQL that both stores run (named <c>@name</c>, which Microsoft.Data.Sqlite and Npgsql both read).
/// The type is always set, so a <see langword="null"/> reaches PostgreSQL as a typed null.
/// </summary>
internal static class DbParameters
{
    public static void Add(this DbCommand command, string name, string? value)
        => Add(command, name, value is not null && command is Npgsql.NpgsqlCommand ? Postgres.Internal.PostgresText.Clean(value) : value, DbType.String);

    public static void Add(this DbCommand command, string name, long? value) => Add(command, name, value, DbType.Int64);

    public static void Add(this DbCommand command, string name, int? value) => Add(command, name, value, DbType.Int32);

    public static void Add(this DbCommand command, string name, double? value) => Add(command, name, value, DbType.Double);

    public static void Add(this DbCommand command, string name, bool value) => Add(command, name, value, DbType.Boolean);

    public static void Add(this DbCommand command, string name, bool? value) => Add(command, name, value, DbType.Boolean);

    public static void Add(this DbCommand command, string name, byte[] value) => Add(command, name, value, DbType.Binary);

    public static void Add(this DbCommand command, string name, Guid value) => Add(command, name, value, DbType.Guid);

    private static void Add(DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public static string? Text(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? Int(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static double? Double(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static DateTimeOffset? Time(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
