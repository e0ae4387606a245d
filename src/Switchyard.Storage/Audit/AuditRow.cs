namespace Switchyard.Storage.Audit;

/// <summary>An <c>admin_audit</c> row as stored: what <see cref="AuditChain"/> checks, whichever database it came from.</summary>
internal readonly record struct AuditRow(long Seq, long TsUnixMs, string Actor, string Action, string? Target, string? Detail, byte[] PreviousHash, byte[] Hash);
