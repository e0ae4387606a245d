using Npgsql;

namespace Switchyard.Storage.Tests.Internal;

/// <summary>
/// The PostgreSQL server the tests use: <c>SWITCHYARD_TEST_POSTGRES</c>, which <c>scripts/test.sh</c> sets after starting a
/// private cluster. Without it the PostgreSQL tests fail with a message saying so (they never pass by doing nothing);
/// <c>SWITCHYARD_TEST_POSTGRES=skip</c> reports them as skipped, for local work without a server.
/// </summary>
internal static class PostgresTestServer
{
    public const string Variable = "SWITCHYARD_TEST_POSTGRES";

    /// <summary>Why PostgreSQL tests are skipped (the opt-out is set), or <see langword="null"/> when they run.</summary>
    public static string? SkipReason => Environment.GetEnvironmentVariable(Variable) is { } value && value.Trim().Equals("skip", StringComparison.OrdinalIgnoreCase)
        ? $"{Variable}=skip: the PostgreSQL half of the store tests is not run. scripts/test.sh runs it."
        : null;

    /// <summary>The server's connection string (to its test database).</summary>
    /// <exception cref="InvalidOperationException">The variable is not set: the message says how to run these tests.</exception>
    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"{Variable} is not set, and this test needs PostgreSQL. Run the suite with scripts/test.sh (it installs and starts a private " +
            $"PostgreSQL and sets {Variable}), or start one with `scripts/postgres.sh start /tmp/sy-pg` and export {Variable}=<the line it prints>. " +
            $"{Variable}=skip skips the PostgreSQL tests (reported as skipped).");

    /// <summary>Creates a schema of its own for one test, so tests run in parallel without seeing each other's rows.</summary>
    public static async Task<string> CreateSchemaAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE SCHEMA {schema};");
        return schema;
    }

    /// <summary>The connection string with its search path on <paramref name="schema"/> and a small pool.</summary>
    public static string For(string schema) => new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema, MaxPoolSize = 8 }.ConnectionString;

    public static Task DropSchemaAsync(string schema) => ExecuteAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;");

    public static async Task ExecuteAsync(string sql, string? schema = null)
    {
        await using var connection = new NpgsqlConnection(schema is null ? ConnectionString : For(schema));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
