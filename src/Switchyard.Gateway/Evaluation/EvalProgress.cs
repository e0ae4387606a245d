namespace Switchyard.Gateway.Evaluation;

/// <summary>How far a run has come: answers scored of all it will ask, and how many of them failed or found no answer.</summary>
internal readonly record struct EvalProgress(int Done, int Total, int Failed, int Errors);
