namespace Switchyard.Gateway.Quality;

/// <summary>The quality checks an answer failed, as bits (one per <see cref="Configuration.QualityCheck"/>).</summary>
[Flags]
internal enum QualityFailures
{
    None = 0,
    Empty = 1 << Configuration.QualityCheck.Empty,
    Truncated = 1 << Configuration.QualityCheck.Truncated,
    Refusal = 1 << Configuration.QualityCheck.Refusal,
    Json = 1 << Configuration.QualityCheck.Json,
    Schema = 1 << Configuration.QualityCheck.Schema,
    Expectations = 1 << Configuration.QualityCheck.Expectations,
    Logprobs = 1 << Configuration.QualityCheck.Logprobs,
    Judge = 1 << Configuration.QualityCheck.Judge,
    Agreement = 1 << Configuration.QualityCheck.Agreement,
}
