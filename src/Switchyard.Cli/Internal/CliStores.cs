using System.CommandLine;
using System.Data.Common;
using System.Net.Sockets;
using Switchyard.Gateway.Configuration;
using Switchyard.Storage;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Internal;

/// <summary>
/// Which store a command reads and writes, and opening it with one set of messages: <c>--db</c> names a SQLite file (the
/// default, <c>switchyard.db</c>); without <c>--db</c>, <c>--config</c> names the gateway's configuration and its
/// <c>storage:</c> (SQLite or PostgreSQL) is used, as the gateway itself would.
/// </summary>
internal static class CliStores
{
    public const string DefaultDatabase = "switchyard.db";

    /// <summary>The usual hint after "there is no database": how to make one, or how to point at it.</summary>
    public const string MissingHint = "Run `switchyard serve` or `switchyard demo` first (they create it), or point --db at the database file (or --config at the gateway's configuration).";

    /// <summary>The <c>--db</c> option: no default value of its own, so that <c>--config</c> can name the store instead.</summary>
    public static Option<string?> Database(string holds) => new("--db")
    {
        Description = $"The SQLite database that holds {holds} (default: {DefaultDatabase}). Without --db, --config's storage: is used when given (SQLite or PostgreSQL).",
    };

    /// <summary>The <c>--config</c> option of a command whose only use of the configuration is its store.</summary>
    public static Option<string?> Config() => new("--config", "-c")
    {
        Description = "The gateway's configuration: its storage: names the store (SQLite or PostgreSQL), when --db is not given.",
    };

    /// <summary>
    /// The store <c>--db</c> or <c>--config</c> names; <see langword="null"/> after saying what is wrong with the
    /// configuration. <paramref name="loaded"/> is a configuration the command read already (it is not read again).
    /// </summary>
    public static StorageOptions? Resolve(string? db, string? configPath, TextWriter error, GatewayConfig? loaded = null)
    {
        if (db is not null || (configPath is null && loaded is null))
        {
            return StorageOptions.ForSqlite(Path.GetFullPath(db ?? DefaultDatabase));
        }

        if (loaded is null)
        {
            var result = ConfigLoader.Load(configPath!);
            if (!result.Succeeded)
            {
                error.WriteLine($"{configPath} has {result.Errors.Length} error(s):");
                foreach (var e in result.Errors)
                {
                    error.WriteLine("  " + e);
                }

                return null;
            }

            loaded = result.Config!;
        }

        var options = loaded.Storage.ToOptions();
        return options.Sqlite is { } sqlite ? options with { Sqlite = sqlite with { Path = Path.GetFullPath(sqlite.Path) } } : options;
    }

    /// <summary>
    /// Opens the stores (migrating the schema) and picks the one the command uses, so that SQLite's lazily opened file is
    /// opened here too; <see langword="null"/> after saying why it could not be. With <paramref name="missing"/> (a message
    /// with <c>{0}</c> for the path), a SQLite file that does not exist is reported rather than created, followed by
    /// <paramref name="hint"/> (default: <see cref="MissingHint"/>).
    /// </summary>
    public static async Task<Opened<T>?> OpenAsync<T>(StorageOptions options, TimeProvider time, TextWriter error, Func<Stores, T> pick, string? missing, CancellationToken cancellationToken, string? hint = null)
    {
        if (options.Sqlite is { } sqlite && missing is not null && !File.Exists(sqlite.Path))
        {
            error.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, missing, sqlite.Path));
            error.WriteLine(hint ?? MissingHint);
            return null;
        }

        Stores? stores = null;
        try
        {
            stores = await Stores.OpenAsync(options, time, cancellationToken);
            return new Opened<T>(stores, pick(stores));
        }
        catch (Exception e) when (e is SqliteSchemaException or PostgresSchemaException)
        {
            error.WriteLine(e.Message);
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or SocketException or TimeoutException)
        {
            error.WriteLine($"Could not open {Stores.Describe(options)}: {e.Message}");
        }

        if (stores is not null)
        {
            await stores.DisposeAsync();
        }

        return null;
    }

    /// <summary>A store a command opened, with the stores it came from (disposed together).</summary>
    internal sealed class Opened<T>(Stores stores, T store) : IAsyncDisposable
    {
        public Stores Stores { get; } = stores;

        public T Store { get; } = store;

        public ValueTask DisposeAsync() => Stores.DisposeAsync();
    }
}
