using System.Text.RegularExpressions;

namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>
/// <c>regex</c>: the pattern matches somewhere in the answer (anchor it with <c>^</c> and <c>$</c> to match the whole).
/// .NET regular expressions; a match that takes longer than a second fails the case rather than stalling the run.
/// </summary>
internal sealed class RegexScorer(Regex regex) : Scorer
{
    /// <summary>How long one match may take: the suite's author wrote the pattern, but an answer can be long.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    public override string Kind => "regex";

    public Regex Regex { get; } = regex;

    public override ValueTask<ScoreResult> ScoreAsync(ScoringInput input, CancellationToken cancellationToken)
    {
        try
        {
            var match = Regex.Match(input.Answer);
            return ValueTask.FromResult(match.Success
                ? ScoreResult.Passed($"/{Regex}/ matched {Quote(match.Value, 40)}")
                : ScoreResult.Failed($"/{Regex}/ does not match {Quote(input.Answer)}"));
        }
        catch (RegexMatchTimeoutException)
        {
            return ValueTask.FromResult(ScoreResult.Failed($"/{Regex}/ took more than {MatchTimeout.TotalSeconds:0} s on the answer ({input.Answer.Length:N0} characters)"));
        }
    }
}
