namespace Switchyard.Storage.Postgres;

/// <summary>The request log's spill file at one moment (<c>/healthz</c> and the metrics show it).</summary>
/// <param name="Path">The file.</param>
/// <param name="PendingRows">Rows waiting in it for PostgreSQL.</param>
/// <param name="Bytes">Its size now (it is emptied once everything in it is written).</param>
/// <param name="MaxBytes">Its bound (<c>storage.spill.max_size</c>).</param>
/// <param name="Spilled">Rows written to it since the start.</param>
/// <param name="Replayed">Rows written from it to PostgreSQL since the start.</param>
/// <param name="Lost">Rows lost since the start: a batch beyond the bound, or a spilled batch PostgreSQL refused.</param>
/// <param name="Unavailable">Whether the last write found PostgreSQL unavailable and nothing was replayed since.</param>
public readonly record struct RequestLogSpillStats(string Path, long PendingRows, long Bytes, long MaxBytes, long Spilled, long Replayed, long Lost, bool Unavailable);
