using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Postgres.Internal;

/// <summary>A row of the request log with the key the database dedupes it by.</summary>
internal sealed record SpillRow(Guid Key, RequestLogEntry Entry);
