using System.Text;
using Switchyard.Gateway.Quality.Schema;

namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>
/// <c>json_schema</c>: the answer is one JSON value that matches the schema (the case's own <c>schema</c>, or its
/// <c>response_format</c>'s), checked by the quality gate's validator: the subset of JSON Schema OpenAI's structured
/// outputs accept, with the path of the first violation. The answer must be JSON itself: a fenced code block is not.
/// </summary>
internal sealed class JsonSchemaScorer(JsonSchema schema) : Scorer
{
    public override string Kind => "json_schema";

    public override ValueTask<ScoreResult> ScoreAsync(ScoringInput input, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(input.Answer.Trim());
        return ValueTask.FromResult(schema.Validate(bytes, out var violation)
            ? ScoreResult.Passed("matches the schema")
            : ScoreResult.Failed($"{violation.Path}: {violation.Message}"));
    }
}
