namespace Switchyard.Storage.Postgres.Internal;

/// <summary>One batch as the spill file keeps it: its rows, in order.</summary>
internal sealed record SpillBatch(List<SpillRow> Rows);
