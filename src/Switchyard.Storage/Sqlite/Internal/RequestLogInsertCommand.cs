using Microsoft.Data.Sqlite;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Sqlite.Internal;

/// <summary>The prepared <c>INSERT</c> of one request log row, compiled once and re-bound for every row.</summary>
internal sealed class RequestLogInsertCommand : IDisposable
{
    private const string Sql = """
        INSERT INTO request_log (ts_unix_ms, request_id, endpoint, route, deployment, attempts, status, stream,
                                 latency_ms, ttft_ms, input_tokens, output_tokens, error_type, error_message)
        VALUES ($ts_unix_ms, $request_id, $endpoint, $route, $deployment, $attempts, $status, $stream,
                $latency_ms, $ttft_ms, $input_tokens, $output_tokens, $error_type, $error_message);
        """;

    private readonly SqliteCommand _command;
    private readonly SqliteParameter _timestamp;
    private readonly SqliteParameter _requestId;
    private readonly SqliteParameter _endpoint;
    private readonly SqliteParameter _route;
    private readonly SqliteParameter _deployment;
    private readonly SqliteParameter _attempts;
    private readonly SqliteParameter _status;
    private readonly SqliteParameter _stream;
    private readonly SqliteParameter _latency;
    private readonly SqliteParameter _timeToFirstToken;
    private readonly SqliteParameter _inputTokens;
    private readonly SqliteParameter _outputTokens;
    private readonly SqliteParameter _errorType;
    private readonly SqliteParameter _errorMessage;

    public RequestLogInsertCommand(SqliteConnection connection)
    {
        _command = connection.CreateCommand();
        _command.CommandText = Sql;
        _timestamp = Add("$ts_unix_ms", SqliteType.Integer);
        _requestId = Add("$request_id", SqliteType.Text);
        _endpoint = Add("$endpoint", SqliteType.Text);
        _route = Add("$route", SqliteType.Text);
        _deployment = Add("$deployment", SqliteType.Text);
        _attempts = Add("$attempts", SqliteType.Integer);
        _status = Add("$status", SqliteType.Integer);
        _stream = Add("$stream", SqliteType.Integer);
        _latency = Add("$latency_ms", SqliteType.Real);
        _timeToFirstToken = Add("$ttft_ms", SqliteType.Real);
        _inputTokens = Add("$input_tokens", SqliteType.Integer);
        _outputTokens = Add("$output_tokens", SqliteType.Integer);
        _errorType = Add("$error_type", SqliteType.Text);
        _errorMessage = Add("$error_message", SqliteType.Text);
        // PERF: compile once; each Execute only re-binds values and steps the statement.
        _command.Prepare();
    }

    /// <summary>Binds <paramref name="transaction"/> for the next rows.</summary>
    public void Enlist(SqliteTransaction transaction) => _command.Transaction = transaction;

    /// <summary>Inserts one row inside the enlisted transaction.</summary>
    public void Execute(RequestLogEntry entry)
    {
        _timestamp.Value = entry.Timestamp.ToUnixTimeMilliseconds();
        // Required by the contract, but a caller that breaks it should meet SQLite's "NOT NULL constraint failed:
        // request_log.request_id" in the log, not Microsoft.Data.Sqlite's bare "Value must be set".
        _requestId.Value = entry.RequestId ?? (object)DBNull.Value;
        _endpoint.Value = entry.Endpoint ?? (object)DBNull.Value;
        _route.Value = entry.Route ?? (object)DBNull.Value;
        _deployment.Value = entry.Deployment ?? (object)DBNull.Value;
        _attempts.Value = entry.Attempts;
        _status.Value = entry.Status;
        _stream.Value = entry.Stream ? 1 : 0;
        _latency.Value = entry.LatencyMs;
        _timeToFirstToken.Value = entry.TimeToFirstTokenMs ?? (object)DBNull.Value;
        _inputTokens.Value = entry.InputTokens ?? (object)DBNull.Value;
        _outputTokens.Value = entry.OutputTokens ?? (object)DBNull.Value;
        _errorType.Value = entry.ErrorType ?? (object)DBNull.Value;
        _errorMessage.Value = entry.ErrorMessage ?? (object)DBNull.Value;
        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();

    private SqliteParameter Add(string name, SqliteType type) => _command.Parameters.Add(name, type);
}
