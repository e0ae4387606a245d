using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Postgres.Internal;

/// <summary>One batch as the spill file keeps it: its rows, in order.</summary>
internal sealed record SpillBatch(List<SpillRow> Rows);

/// <summary>A row of the request log with the key the database dedupes it by.</summary>
internal sealed record SpillRow(Guid Key, RequestLogEntry Entry);
