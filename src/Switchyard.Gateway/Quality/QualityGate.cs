using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Quality;

/// <summary>
/// A route's quality gate, compiled once per configuration: scores an answer in [0, 1] from cheap checks and says
/// whether it passes the route's threshold. A pure function of the answer, the request's format and the configuration.
/// </summary>
/// <remarks>
/// <code>
/// answer ─► empty? (no letter or digit, or only a filler word)  truncated? (not at the client's own max_tokens)  refusal?  json? schema? (when asked for)  expectations?  logprobs? (when present)
///        ─► score = Σ weight·pass / Σ weight over the checks that apply (1 when none apply)
///        ─► a failed empty, json or schema check makes the score 0: such an answer is unusable whatever the weights
///        ─► passed = score ≥ threshold
/// </code>
/// Checks that cannot apply are left out of the sum: JSON validity without a JSON response_format, logprobs the
/// upstream did not send, expectations the route does not have, and every text check on an answer made of tool calls.
/// </remarks>
internal sealed class QualityGate
{
    private readonly QualityConfig _config;
    private readonly AnswerExpectations? _expectations;
    private readonly double[] _weights;

    public QualityGate(QualityConfig config, TimeProvider? time = null)
    {
        _config = config;
        _expectations = config.Expect is { } expect ? new AnswerExpectations(expect) : null;
        _weights = new double[Enum.GetValues<QualityCheck>().Length];
        foreach (var check in Enum.GetValues<QualityCheck>())
        {
            _weights[(int)check] = config.WeightOf(check);
        }

        JudgeBudget = config.Judge?.Budget is { } judge ? new TokenBudget(judge, time ?? TimeProvider.System) : null;
        AgreementBudget = config.Agreement?.Budget is { } agreement ? new TokenBudget(agreement, time ?? TimeProvider.System) : null;
    }

    public QualityConfig Config => _config;

    /// <summary>Whether the route has checks that call a model (judge, agreement): they run after the cheap ones.</summary>
    public bool CallsModels => (_config.Judge is not null && _weights[(int)QualityCheck.Judge] > 0)
        || (_config.Agreement is not null && _weights[(int)QualityCheck.Agreement] > 0);

    /// <summary>The budget of the judge's tokens (shared by the route's requests), when it has one.</summary>
    public TokenBudget? JudgeBudget { get; }

    /// <summary>The budget of the agreement check's second samples, when it has one.</summary>
    public TokenBudget? AgreementBudget { get; }

    /// <summary>
    /// Adds the result of a check that called a model to a cheap verdict. Pass or fail, like every other check: a judge's
    /// 6 of 10 under a min_score of 0.7 must be able to escalate, which a graded 0.6 at weight 3 of 9 could not.
    /// </summary>
    public QualityVerdict With(in QualityVerdict verdict, QualityCheck check, bool pass, string? reason)
        => verdict.With(check, _weights[(int)check], pass ? 1 : 0, pass, reason, _config.Threshold);

    /// <summary>Whether streamed answers are held and checked (<c>streaming: buffer</c>).</summary>
    public bool GatesStreams => _config.Streaming == QualityStreaming.Buffer;

    /// <summary>
    /// Scores <paramref name="answer"/>, given what the client asked it to be. <paramref name="clientLimit"/>: the client
    /// set <c>max_tokens</c>, so an answer cut there is what it asked for, and every model would be cut the same way:
    /// the truncated check does not apply (escalating would only pay for a second cut answer).
    /// </summary>
    public QualityVerdict Evaluate(AnswerCollector answer, in AnswerFormat format, bool clientLimit = false)
    {
        var sum = 0.0;
        var total = 0.0;
        var failed = QualityFailures.None;
        StringBuilder? reasons = null;
        var veto = false;
        var text = answer.Text;
        var textual = !answer.HasToolCalls;

        // empty
        var filler = textual && IsFiller(text);
        var empty = textual && (filler || !HasLetterOrDigit(text));
        Score(QualityCheck.Empty, !empty, !empty ? null
            : filler ? $"the answer is only a filler word ('{text.Trim()}')"
            : text.IsWhiteSpace() ? "the answer has no text" : "the answer has no letter or digit");
        veto |= empty && _weights[(int)QualityCheck.Empty] > 0;

        // truncated: only at a limit the client did not set itself
        if (!clientLimit)
        {
            var truncated = answer.FinishReason == FinishReasons.Length;
            Score(QualityCheck.Truncated, !truncated, truncated ? "finish_reason is length: the answer was cut at the server's token limit" : null);
        }

        // refusal
        if (textual || answer.Refused)
        {
            var phrase = answer.Refused ? null : (answer.FinishReason == FinishReasons.ContentFilter ? null : RefusalDetector.Find(text));
            var refused = answer.Refused || phrase is not null || answer.FinishReason == FinishReasons.ContentFilter;
            Score(QualityCheck.Refusal, !refused, !refused ? null
                : answer.Refused ? "the model set its refusal field"
                : phrase is null ? "finish_reason is content_filter"
                : $"the answer opens with a refusal ('{phrase}')");
        }

        // json, schema
        if (textual && !empty && format.Kind != AnswerFormatKind.Text)
        {
            var jsonOk = CheckJson(text, format, out var schemaOk, out var problem, out var schemaProblem);
            Score(QualityCheck.Json, jsonOk, problem);
            veto |= !jsonOk && _weights[(int)QualityCheck.Json] > 0;
            if (format.Kind == AnswerFormatKind.JsonSchema && format.Schema is not null && jsonOk)
            {
                Score(QualityCheck.Schema, schemaOk, schemaProblem);
                veto |= !schemaOk && _weights[(int)QualityCheck.Schema] > 0;
            }
        }

        // expectations
        if (textual && _expectations is { Rules: > 0 } expectations && _weights[(int)QualityCheck.Expectations] > 0)
        {
            // Every rule must hold: a route's expectation is a requirement, not a preference.
            var met = expectations.Check(text, out var unmet);
            Score(QualityCheck.Expectations, met == expectations.Rules, met == expectations.Rules ? null : $"expectations: {met} of {expectations.Rules} met; the answer {unmet}");
        }

        // logprobs
        if (_config.Logprobs is { } logprobs && answer.LogprobCount > 0)
        {
            var mean = answer.LogprobSum / answer.LogprobCount;
            var ok = mean >= logprobs.MinMean && answer.LogprobMin >= logprobs.MinToken;
            Score(QualityCheck.Logprobs, ok, ok ? null : string.Create(CultureInfo.InvariantCulture,
                $"token logprobs: mean {mean:0.00} (min_mean {logprobs.MinMean}), least likely {answer.LogprobMin:0.00} (min_token {logprobs.MinToken}) over {answer.LogprobCount} tokens"));
        }

        var score = veto ? 0 : total > 0 ? sum / total : 1;
        return new QualityVerdict(score, score >= _config.Threshold, failed, reasons?.ToString(), sum, total, veto)
        {
            LogprobMean = answer.LogprobCount > 0 ? answer.LogprobSum / answer.LogprobCount : null,
            LogprobMin = answer.LogprobCount > 0 ? answer.LogprobMin : null,
        };

        void Score(QualityCheck check, bool pass, string? reason) => Add(check, pass ? 1 : 0, reason);

        void Add(QualityCheck check, double value, string? reason)
        {
            var weight = _weights[(int)check];
            if (weight <= 0)
            {
                return;
            }

            sum += weight * value;
            total += weight;
            if (value < 1)
            {
                failed |= (QualityFailures)(1 << (int)check);
                reasons ??= new StringBuilder();
                reasons.Append(reasons.Length == 0 ? "" : "; ").Append(reason);
            }
        }
    }

    /// <summary>Whether the text is one JSON value (an object for json_object), and whether it matches the schema.</summary>
    private static bool CheckJson(ReadOnlySpan<char> text, in AnswerFormat format, out bool schemaOk, out string? problem, out string? schemaProblem)
    {
        schemaOk = true;
        problem = null;
        schemaProblem = null;
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, bytes);
            var json = bytes.AsSpan(0, length);
            if (format.Kind == AnswerFormatKind.JsonSchema && format.Schema is { } known && known.Matches(json))
            {
                // PERF: a match proves one JSON value too (nothing after it, not too deep), so the common case is one read.
                return true;
            }

            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            try
            {
                if (!reader.Read())
                {
                    problem = "the answer is not JSON";
                    return false;
                }

                if (format.Kind == AnswerFormatKind.JsonObject && reader.TokenType != JsonTokenType.StartObject)
                {
                    problem = $"response_format is json_object, but the answer is a JSON {Describe(reader.TokenType)}, not an object";
                    return false;
                }

                reader.Skip();
                if (reader.Read())
                {
                    problem = $"the answer has more after its JSON value (at byte {reader.TokenStartIndex})";
                    return false;
                }
            }
            catch (JsonException e)
            {
                problem = $"the answer is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
                return false;
            }

            if (format.Schema is { } schema && !schema.Validate(json, out var violation))
            {
                schemaOk = false;
                schemaProblem = $"schema: {violation.Path}: {violation.Message}";
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Whether the whole answer is one word that says nothing (<c>Okay.</c>, <c>Hmm</c>, <c>N/A</c>, <c>null</c>): what a small
    /// model or a broken template emits instead of an answer. A short real answer (<c>Yes</c>, <c>42</c>, <c>Paris</c>) is not.
    /// </summary>
    private static bool IsFiller(ReadOnlySpan<char> text)
    {
        var word = text.Trim().TrimEnd(".!?…");
        if (word.Length is 0 or > 9)
        {
            return false;
        }

        foreach (var filler in (ReadOnlySpan<string>)["ok", "okay", "hmm", "hm", "um", "uh", "n/a", "na", "none", "null", "nil", "undefined", "nan"])
        {
            if (word.Equals(filler, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the text says anything: "..." or "  " does not.</summary>
    private static bool HasLetterOrDigit(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        _ => "null",
    };
}
