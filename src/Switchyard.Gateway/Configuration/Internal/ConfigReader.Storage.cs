using YamlDotNet.Core;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>storage:</c>: the SQLite file, or PostgreSQL with its pool and the request log's spill file.</summary>
internal sealed partial class ConfigReader
{
    private const string StorageExample = "storage: { kind: sqlite, path: switchyard.db }, or storage: { kind: postgres, connection_string: ${PG_URL} }";
    private static readonly string[] StorageKeys = ["kind", "path", "connection_string", "pool", "spill"];
    private static readonly string[] PoolKeys = ["min", "max"];
    private static readonly string[] SpillKeys = ["path", "max_size"];
    private static readonly (string Word, StorageKind Value)[] StorageKinds = [("sqlite", StorageKind.Sqlite), ("postgres", StorageKind.Postgres)];

    private StorageConfig? ReadStorage(Section top)
    {
        Mark? owner = top.Entries.TryGetValue("storage", out var entry) ? entry.Key.Start : null;
        if (ReadSection(Value(top, "storage"), "storage", owner, StorageKeys, StorageExample) is not { } section)
        {
            return null;
        }

        var kind = StorageKind.Sqlite;
        var ok = TryReadChoice(section, "kind", StorageKinds, ref kind);
        var defaults = new StorageConfig();
        var path = defaults.Path;
        if (Value(section, "path") is { } pathNode)
        {
            var text = Scalar(pathNode, "storage.path", "a file path");
            if (kind == StorageKind.Postgres && text is not null)
            {
                Error(pathNode, "storage.path", "is the SQLite file, and kind is postgres: remove path (PostgreSQL is named by connection_string).");
                ok = false;
            }
            else if (string.IsNullOrWhiteSpace(text))
            {
                if (text is not null)
                {
                    Error(pathNode, "storage.path", $"must not be empty; write a file path such as {StorageConfig.DefaultSqlitePath}, or remove the key for the default.");
                }

                ok = false;
            }
            else
            {
                path = text;
            }
        }

        if (kind == StorageKind.Sqlite)
        {
            foreach (var key in (string[])["connection_string", "pool", "spill"])
            {
                if (section.Entries.ContainsKey(key))
                {
                    Error(MarkOf(section, key), $"storage.{key}", "is for PostgreSQL: add kind: postgres, or remove it (the SQLite file is named by path).");
                    ok = false;
                }
            }

            return ok ? new StorageConfig { Kind = kind, Path = path } : null;
        }

        var connectionString = ReadConnectionString(section, owner);
        var (poolMin, poolMax) = (defaults.PoolMin, defaults.PoolMax);
        var (spillPath, spillMax) = (defaults.SpillPath, defaults.SpillMaxBytes);
        if (Value(section, "pool") is { } poolNode)
        {
            if (ReadSection(poolNode, "storage.pool", MarkOf(section, "pool"), PoolKeys, "pool: { min: 0, max: 20 }") is { } pool)
            {
                var poolOk = TryReadInt(pool, "min", 0, 1000, "It is how many connections stay open when idle; the default is 0.", ref poolMin)
                    & TryReadInt(pool, "max", 1, 1000, "It is the most connections this instance opens; the default is 20.", ref poolMax);
                if (poolOk && poolMin > poolMax)
                {
                    Error(MarkOf(pool, "min"), "storage.pool.min", $"is {poolMin}, more than max ({poolMax}): lower min or raise max.");
                    poolOk = false;
                }

                ok &= poolOk;
            }
            else
            {
                ok = false;
            }
        }

        if (Value(section, "spill") is { } spillNode)
        {
            if (ReadSection(spillNode, "storage.spill", MarkOf(section, "spill"), SpillKeys, "spill: { path: /var/lib/switchyard/request-log.spill, max_size: 256MiB }") is { } spill)
            {
                if (Value(spill, "path") is { } spillPathNode)
                {
                    var text = Scalar(spillPathNode, "storage.spill.path", "a file path");
                    if (string.IsNullOrWhiteSpace(text))
                    {
                        if (text is not null)
                        {
                            Error(spillPathNode, "storage.spill.path", "must not be empty; write a file path on a local disk, or remove the key for the default (switchyard-request-log.spill).");
                        }

                        ok = false;
                    }
                    else
                    {
                        spillPath = text;
                    }
                }

                ok &= TryReadSize(spill, "max_size", "It bounds the file that keeps request log rows while PostgreSQL is down; the default is 256MiB.", ref spillMax);
            }
            else
            {
                ok = false;
            }
        }

        return ok && connectionString is not null
            ? new StorageConfig { Kind = kind, ConnectionString = connectionString, PoolMin = poolMin, PoolMax = poolMax, SpillPath = spillPath, SpillMaxBytes = spillMax }
            : null;
    }

    /// <summary>
    /// <c>storage.connection_string</c>: required with <c>kind: postgres</c>, <c>${VAR}</c> allowed, readable by Npgsql, and
    /// holding no password written in the file itself.
    /// </summary>
    private string? ReadConnectionString(Section section, Mark? owner)
    {
        const string Key = "storage.connection_string";
        if (Value(section, "connection_string") is not { } node)
        {
            Error(owner, Key, "is missing: kind: postgres needs the database, e.g. connection_string: ${PG_URL} with PG_URL=postgres://switchyard@db:5432/switchyard in the environment.");
            return null;
        }

        if (Scalar(node, Key, "a connection string") is not { } raw || Substitute(node, Key, raw) is not { } text)
        {
            return null;
        }

        if (Storage.Postgres.PostgresConnectionStrings.Parse(text, out var builder) is { } problem)
        {
            Error(node, Key, problem);
            return null;
        }

        // SECURITY: a password belongs in the environment (or PostgreSQL's own ~/.pgpass), never in a file that is copied
        // around and checked in.
        if (!string.IsNullOrEmpty(builder!.Password) && !raw.Contains("${", StringComparison.Ordinal))
        {
            Error(node, Key, "holds a password written in the file; secrets must not live in configuration files. Put the connection string in an environment variable and write connection_string: ${PG_URL}, or leave the password out and use ~/.pgpass.");
            return null;
        }

        return text;
    }
}
