namespace Switchyard.Gateway.Evaluation;

/// <summary>A suite read from its file, or every problem that kept it from being read.</summary>
internal sealed record SuiteReadResult(EvalSuite? Suite, IReadOnlyList<SuiteError> Errors);
