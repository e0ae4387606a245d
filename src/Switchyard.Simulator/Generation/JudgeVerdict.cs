namespace Switchyard.Simulator.Generation;

/// <summary>What the simulated judge decided about one answer: a score from 0 to 10 and why.</summary>
/// <param name="Score">0 (empty) to 10.</param>
/// <param name="Reason">One sentence a human can read.</param>
internal readonly record struct JudgeVerdict(int Score, string Reason);
