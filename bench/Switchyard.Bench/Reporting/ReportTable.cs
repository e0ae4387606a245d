using System.Collections.Immutable;

namespace Switchyard.Bench.Reporting;

/// <summary>A table of the report, rendered the same way to the console and to Markdown.</summary>
internal sealed record ReportTable(string Title, ImmutableArray<string> Columns, ImmutableArray<ImmutableArray<string>> Rows);
