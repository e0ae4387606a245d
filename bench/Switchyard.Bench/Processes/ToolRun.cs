namespace Switchyard.Bench.Processes;

/// <summary>How a short-lived command ended: its exit code, standard output and standard error.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error);
