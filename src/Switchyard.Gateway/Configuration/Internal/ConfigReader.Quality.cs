using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>routes.NAME.quality:</c>: the quality gate that escalates poor answers to the next tier.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] QualityKeys = ["threshold", "streaming", "weights", "expect", "logprobs", "record_escalations", "sample_passed", "judge", "agreement"];
    private static readonly string[] ExpectKeys = ["pattern", "contains", "not_contains", "min_chars", "max_chars"];
    private static readonly string[] LogprobKeys = ["request", "min_mean", "min_token"];

    private static readonly (string Word, QualityStreaming Value)[] QualityStreamingModes =
        [("pass-through", QualityStreaming.PassThrough), ("buffer", QualityStreaming.Buffer)];

    // The names checks have in headers and records are the names they have in the file.
    private static readonly (string Word, QualityCheck Value)[] QualityChecks =
        [.. Enum.GetValues<QualityCheck>().Select(c => (Quality.QualityFailuresNames.Name(c), c))];

    private const string QualityExample = "quality: { threshold: 0.7, streaming: buffer, expect: { not_contains: [\"as an AI\"] } }";

    /// <summary>Reads <c>quality:</c> of a route; <see langword="null"/> with <paramref name="ok"/> unchanged when absent.</summary>
    private QualityConfig? ReadQuality(Section route, List<string> deploymentNames, ref bool ok)
    {
        if (!route.Entries.TryGetValue("quality", out var entry) || IsNull(entry.Value))
        {
            return null;
        }

        if (ReadSection(entry.Value, Join(route.Path, "quality"), entry.Key.Start, QualityKeys, QualityExample) is not { } section)
        {
            ok = false;
            return null;
        }

        var defaults = new QualityConfig();
        var threshold = defaults.Threshold;
        var streaming = defaults.Streaming;
        var record = defaults.RecordEscalations;
        var sample = defaults.SamplePassed;
        var good = TryReadNumber(section, "threshold", 0, 1, ref threshold)
            & TryReadChoice(section, "streaming", QualityStreamingModes, ref streaming)
            & TryReadBool(section, "record_escalations", ref record)
            & TryReadNumber(section, "sample_passed", 0, 1, ref sample);
        var weights = ReadQualityWeights(section, ref good);
        var expect = ReadExpectations(section, ref good);
        var logprobs = ReadLogprobCheck(section, ref good);
        var judge = ReadJudge(section, deploymentNames, ref good);
        var agreement = ReadAgreement(section, ref good);
        ok &= good;
        return good
            ? new QualityConfig { Threshold = threshold, Streaming = streaming, Weights = weights, Expect = expect, Logprobs = logprobs, Judge = judge, Agreement = agreement, RecordEscalations = record, SamplePassed = sample }
            : null;
    }

    private ImmutableDictionary<QualityCheck, double> ReadQualityWeights(Section quality, ref bool ok)
    {
        var weights = QualityConfig.DefaultWeights;
        if (Value(quality, "weights") is not { } node)
        {
            return weights;
        }

        var path = Join(quality.Path, "weights");
        var names = QualityChecks.Select(c => c.Word).ToArray();
        if (ReadSection(node, path, MarkOf(quality, "weights"), names, "weights: { refusal: 3, truncated: 0 }") is not { } section)
        {
            ok = false;
            return weights;
        }

        foreach (var (word, check) in QualityChecks)
        {
            var weight = weights[check];
            if (!TryReadNumber(section, word, 0, 100, ref weight))
            {
                ok = false;
                continue;
            }

            weights = weights.SetItem(check, weight);
        }

        return weights;
    }

    private QualityExpectations? ReadExpectations(Section quality, ref bool ok)
    {
        if (Value(quality, "expect") is not { } node)
        {
            return null;
        }

        var path = Join(quality.Path, "expect");
        if (ReadSection(node, path, MarkOf(quality, "expect"), ExpectKeys, "expect: { pattern: '\\d+', contains: [total], not_contains: [sorry], max_chars: 2000 }") is not { } section)
        {
            ok = false;
            return null;
        }

        string? pattern = null;
        if (Value(section, "pattern") is { } patternNode)
        {
            var patternPath = Join(path, "pattern");
            if (Scalar(patternNode, patternPath, "a regular expression") is { } text && CheckPattern(patternNode, patternPath, text, Quality.AnswerExpectations.CompilePattern))
            {
                pattern = text;
            }
            else
            {
                ok = false;
            }
        }

        var contains = ReadTexts(section, "contains", ref ok);
        var notContains = ReadTexts(section, "not_contains", ref ok);
        int? minChars = null;
        int? maxChars = null;
        if (Value(section, "min_chars") is not null)
        {
            var value = 0;
            ok &= TryReadInt(section, "min_chars", 1, 10_000_000, "It is the fewest characters an answer may have.", ref value);
            minChars = value;
        }

        if (Value(section, "max_chars") is not null)
        {
            var value = 0;
            ok &= TryReadInt(section, "max_chars", 1, 10_000_000, "It is the most characters an answer may have.", ref value);
            maxChars = value;
        }

        if (minChars > maxChars)
        {
            Error(MarkOf(section, "min_chars"), Join(path, "min_chars"), $"min_chars ({minChars}) is more than max_chars ({maxChars}), so no answer could pass. Lower min_chars or raise max_chars.");
            ok = false;
        }

        return new QualityExpectations { Pattern = pattern, Contains = contains, NotContains = notContains, MinChars = minChars, MaxChars = maxChars };
    }

    /// <summary>A text or a list of non-empty texts.</summary>
    private ImmutableArray<string> ReadTexts(Section section, string key, ref bool ok)
    {
        if (Value(section, key) is not { } node)
        {
            return [];
        }

        var path = Join(section.Path, key);
        IEnumerable<YamlNode> items = node is YamlSequenceNode list ? list.Children : [node];
        var texts = ImmutableArray.CreateBuilder<string>();
        foreach (var item in items)
        {
            if (Scalar(item, path, $"a text or a list of texts, e.g. {key}: [\"as an AI\", \"I cannot\"]") is not { } text)
            {
                ok = false;
                continue;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                Error(item, path, "an empty text would match every answer; remove it.");
                ok = false;
                continue;
            }

            texts.Add(text);
        }

        return texts.ToImmutable();
    }

    private LogprobCheckConfig? ReadLogprobCheck(Section quality, ref bool ok)
    {
        if (!quality.Entries.TryGetValue("logprobs", out var entry) || IsNull(entry.Value))
        {
            return null;
        }

        if (entry.Value is YamlScalarNode { Value: "false" or "true" } flag)
        {
            return flag.Value == "true" ? new LogprobCheckConfig() : null;
        }

        if (ReadSection(entry.Value, Join(quality.Path, "logprobs"), entry.Key.Start, LogprobKeys, "logprobs: { request: true, min_mean: -1.0, min_token: -10 }") is not { } section)
        {
            ok = false;
            return null;
        }

        var defaults = new LogprobCheckConfig();
        var request = defaults.Request;
        var minMean = defaults.MinMean;
        var minToken = defaults.MinToken;
        var good = TryReadBool(section, "request", ref request)
            & TryReadNumber(section, "min_mean", -100, 0, ref minMean)
            & TryReadNumber(section, "min_token", -1000, 0, ref minToken);
        ok &= good;
        return good ? new LogprobCheckConfig { Request = request, MinMean = minMean, MinToken = minToken } : null;
    }
}
