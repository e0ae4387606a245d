using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Switchyard.Storage.Sql;

namespace Switchyard.Storage.Postgres.Internal;

/// <summary>
/// A PostgreSQL database (one schema of it) as the stores' shared SQL sees it: a pooled data source, READ COMMITTED
/// writes, REPEATABLE READ snapshots, audit numbers from <c>admin_audit_issued</c>, and changes announced with
/// <c>pg_notify</c> on the schema's channel when the writing transaction commits.
/// </summary>
internal sealed class PostgresDatabase : SqlDatabase, IAsyncDisposable
{
    // The first key of the chores' advisory locks ("sc" in ASCII); the migrations' lock is 0x7379 (PostgresMigrations).
    private const int ChoreLockClass = 0x7363;

    private string? _schema;

    public PostgresDatabase(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid PostgreSQL store options: " + string.Join(" ", errors), nameof(options));
        }

        PostgresConnectionStrings.Parse(options.ConnectionString, out var builder);
        builder!.MinPoolSize = options.MinPoolSize;
        builder.MaxPoolSize = options.MaxPoolSize;
        if (!PostgresConnectionStrings.Sets(options.ConnectionString, "Timeout"))
        {
            builder.Timeout = (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds);
        }

        builder.ApplicationName ??= "switchyard";
        Description = PostgresConnectionStrings.Describe(builder);
        DataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>The pool every store of the process shares.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Host, port and database, never the password: for messages.</summary>
    public string Description { get; }

    /// <summary>The schema the tables live in (known once <see cref="MigrateAsync"/> ran).</summary>
    public string Schema => _schema ?? throw new InvalidOperationException("Call MigrateAsync before using the PostgreSQL stores.");

    /// <summary>
    /// The channel changes are announced on: <c>switchyard_changes</c> for the <c>public</c> schema, and a name derived from
    /// the schema otherwise, so that two deployments in two schemas of one database do not hear each other.
    /// </summary>
    public string Channel => Schema == "public" ? "switchyard_changes" : "switchyard_changes_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Schema)))[..12];

    public override string EscalationInsertionOrder => "seq";

    public override string CostPartInsertionOrder => "part_no";

    public override string EvalRunInsertionOrder => "seq";

    public override string UtcDay(string column) => $"to_char(to_timestamp({column} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    /// <summary>Brings the schema up to date (see <see cref="PostgresMigrations"/>) and learns its name.</summary>
    public async Task<(int From, int To)> MigrateAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var versions = await PostgresMigrations.ApplyAsync(connection, Description, time, cancellationToken).ConfigureAwait(false);
        _schema = await PostgresMigrations.SchemaAsync(connection, Description, cancellationToken).ConfigureAwait(false);
        return versions;
    }

    public override DbConnection Open() => DataSource.OpenConnection();

    public override DbTransaction BeginWrite(DbConnection connection) => ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.ReadCommitted);

    public override DbTransaction BeginSnapshot(DbConnection connection) => ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.RepeatableRead);

    public override long? ReserveAuditSeq(DbConnection connection, DbTransaction transaction)
    {
        // The row lock this update takes is held to the commit: a second appender (this instance or another) waits here,
        // then reads the head this one wrote.
        using var command = new NpgsqlCommand("UPDATE admin_audit_issued SET seq = seq + 1 RETURNING seq;", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        return (long)command.ExecuteScalar()!;
    }

    public override long IssuedAuditSeq(DbConnection connection, DbTransaction transaction)
    {
        using var command = new NpgsqlCommand("SELECT seq FROM admin_audit_issued;", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        return command.ExecuteScalar() is long issued ? issued : 0;
    }

    public override bool TryLock(DbConnection connection, DbTransaction transaction, string name)
    {
        // A transaction-level lock: released by the commit or the rollback, and by the server if the connection breaks, so
        // an instance that dies mid-chore never leaves it held. Keyed by the schema too: deployments in two schemas of one
        // database do not exclude each other.
        using var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@class, hashtext(@name));", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("class", ChoreLockClass);
        command.Parameters.AddWithValue("name", Schema + "/" + name);
        return (bool)command.ExecuteScalar()!;
    }

    public override void Notify(DbConnection connection, DbTransaction transaction, StoreChange change)
    {
        // NOTIFY is transactional: listeners hear of the change when it commits, never of one rolled back.
        using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload);", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("channel", Channel);
        command.Parameters.AddWithValue("payload", StoreChanges.Format(change));
        command.ExecuteNonQuery();
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
