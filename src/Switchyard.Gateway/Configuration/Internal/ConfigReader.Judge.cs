using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>quality.judge</c> and <c>quality.agreement</c>: the checks that call a model.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] JudgeKeys = ["deployment", "rubric", "min_score", "timeout", "max_tokens", "sample", "max_prompt_chars", "budget", "on_error"];
    private static readonly string[] AgreementKeys = ["compare", "min_similarity", "temperature", "timeout", "sample", "budget", "on_error"];
    private static readonly string[] BudgetKeys = ["tokens", "per"];

    private static readonly (string Word, CheckErrorPolicy Value)[] CheckErrorPolicies =
        [("skip", CheckErrorPolicy.Skip), ("fail", CheckErrorPolicy.Fail)];

    private static readonly (string Word, AgreementCompare Value)[] AgreementCompares =
        [("auto", AgreementCompare.Auto), ("json", AgreementCompare.Json), ("number", AgreementCompare.Number), ("exact", AgreementCompare.Exact), ("text", AgreementCompare.Text)];

    private const string JudgeExample = "judge: { deployment: gpt-4o, rubric: \"The answer is correct and complete.\", min_score: 0.7, timeout: 10s, budget: { tokens: 200000, per: 1h } }";

    private JudgeConfig? ReadJudge(Section quality, List<string> deploymentNames, ref bool ok)
    {
        if (!quality.Entries.TryGetValue("judge", out var entry) || IsNull(entry.Value))
        {
            return null;
        }

        var path = Join(quality.Path, "judge");
        if (ReadSection(entry.Value, path, entry.Key.Start, JudgeKeys, JudgeExample) is not { } section)
        {
            ok = false;
            return null;
        }

        var good = true;
        var deployment = RequiredString(section, "deployment", $"Name the deployment that judges answers, e.g. {JudgeExample}");
        if (deployment is not null && !deploymentNames.Contains(deployment, StringComparer.Ordinal))
        {
            Error(MarkOf(section, "deployment"), Join(path, "deployment"), $"the deployment '{Truncate(deployment)}' is not defined.{NameSuggester.DidYouMean(deployment, deploymentNames)} Defined deployments: {NameSuggester.List(deploymentNames)}.");
            good = false;
        }

        var defaults = new JudgeConfig { Deployment = "" };
        var rubric = defaults.Rubric;
        if (Value(section, "rubric") is { } rubricNode)
        {
            var text = Scalar(rubricNode, Join(path, "rubric"), "a text");
            if (string.IsNullOrWhiteSpace(text))
            {
                if (text is not null)
                {
                    Error(rubricNode, Join(path, "rubric"), "is empty; write what a good answer is, or remove rubric for the default.");
                }

                good = false;
            }
            else
            {
                rubric = text;
            }
        }

        var minScore = defaults.MinScore;
        var timeout = defaults.Timeout;
        var maxTokens = defaults.MaxTokens;
        var sample = defaults.Sample;
        var maxPrompt = defaults.MaxPromptChars;
        var onError = defaults.OnError;
        good &= TryReadNumber(section, "min_score", 0, 1, ref minScore)
            & TryReadDuration(section, "timeout", ref timeout)
            & TryReadInt(section, "max_tokens", 16, 4096, "It is the most tokens the judge may write; its answer is a short JSON object.", ref maxTokens)
            & TryReadNumber(section, "sample", 0, 1, ref sample)
            & TryReadInt(section, "max_prompt_chars", 256, 10_000_000, "It is the most characters of the conversation the judge reads.", ref maxPrompt)
            & TryReadChoice(section, "on_error", CheckErrorPolicies, ref onError);
        var budget = ReadTokenBudget(section, ref good);
        ok &= good;
        return good
            ? new JudgeConfig { Deployment = deployment!, Rubric = rubric, MinScore = minScore, Timeout = timeout, MaxTokens = maxTokens, Sample = sample, MaxPromptChars = maxPrompt, Budget = budget, OnError = onError }
            : null;
    }

    private AgreementConfig? ReadAgreement(Section quality, ref bool ok)
    {
        if (!quality.Entries.TryGetValue("agreement", out var entry) || IsNull(entry.Value))
        {
            return null;
        }

        if (entry.Value is YamlScalarNode { Value: "false" or "true" } flag)
        {
            return flag.Value == "true" ? new AgreementConfig() : null;
        }

        var path = Join(quality.Path, "agreement");
        if (ReadSection(entry.Value, path, entry.Key.Start, AgreementKeys, "agreement: { compare: number, temperature: 0.7, timeout: 30s }") is not { } section)
        {
            ok = false;
            return null;
        }

        var defaults = new AgreementConfig();
        var compare = defaults.Compare;
        var similarity = defaults.MinSimilarity;
        var timeout = defaults.Timeout;
        var sample = defaults.Sample;
        var onError = defaults.OnError;
        var good = TryReadChoice(section, "compare", AgreementCompares, ref compare)
            & TryReadNumber(section, "min_similarity", 0, 1, ref similarity)
            & TryReadDuration(section, "timeout", ref timeout)
            & TryReadNumber(section, "sample", 0, 1, ref sample)
            & TryReadChoice(section, "on_error", CheckErrorPolicies, ref onError);
        double? temperature = null;
        if (Value(section, "temperature") is not null)
        {
            var value = 0.0;
            good &= TryReadNumber(section, "temperature", 0, 2, ref value);
            temperature = value;
        }

        if (Value(section, "min_similarity") is { } similarityNode && compare is not (AgreementCompare.Text or AgreementCompare.Auto))
        {
            Error(similarityNode, Join(path, "min_similarity"), $"applies to compare: text (and auto), but compare is {AgreementCompares.First(c => c.Value == compare).Word}. Remove it, or compare text.");
            good = false;
        }

        var budget = ReadTokenBudget(section, ref good);
        ok &= good;
        return good
            ? new AgreementConfig { Compare = compare, MinSimilarity = similarity, Temperature = temperature, Timeout = timeout, Sample = sample, Budget = budget, OnError = onError }
            : null;
    }

    /// <summary><c>budget: { tokens: 200000, per: 1h }</c>.</summary>
    private TokenBudgetConfig? ReadTokenBudget(Section check, ref bool ok)
    {
        if (!check.Entries.TryGetValue("budget", out var entry) || IsNull(entry.Value))
        {
            return null;
        }

        var path = Join(check.Path, "budget");
        if (ReadSection(entry.Value, path, entry.Key.Start, BudgetKeys, "budget: { tokens: 200000, per: 1h }") is not { } section)
        {
            ok = false;
            return null;
        }

        long tokens = 0;
        var per = TimeSpan.FromHours(1);
        var good = true;
        if (Value(section, "tokens") is null)
        {
            Error(MarkOf(section, "tokens"), Join(path, "tokens"), "missing. Say how many tokens (prompt and answer) the check may spend per window, e.g. budget: { tokens: 200000, per: 1h }.");
            good = false;
        }
        else
        {
            good &= TryReadInt(section, "tokens", 1, long.MaxValue / 4, "It is the most tokens (prompt and answer) the check may spend per window.", ref tokens);
        }

        good &= TryReadDuration(section, "per", ref per);
        ok &= good;
        return good ? new TokenBudgetConfig(tokens, per) : null;
    }
}
