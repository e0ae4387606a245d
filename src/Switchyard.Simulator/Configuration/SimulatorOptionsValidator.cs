using System.Globalization;
using Switchyard.Simulator.Faults;

namespace Switchyard.Simulator.Configuration;

/// <summary>
/// Checks <see cref="SimulatorOptions"/> and reports every problem at once, keyed as the YAML file spells them, so that the
/// YAML loader can add the line of each.
/// </summary>
internal static class SimulatorOptionsValidator
{
    public const int MinContextWindow = 16;

    public static List<ConfigIssue> Validate(SimulatorOptions options)
    {
        var issues = new List<ConfigIssue>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            issues.Add(new("host", "must not be empty; use 127.0.0.1 for local use or 0.0.0.0 to listen on every interface."));
        }

        if (options.Port is < 0 or > 65535)
        {
            issues.Add(new("port", $"{options.Port} is not a TCP port; use 1-65535, or 0 for a free one."));
        }

        if (options.Models.IsDefaultOrEmpty)
        {
            issues.Add(new("models", "at least one model is needed (or start from a built-in profile: open, frontier, instant, mixed)."));
            return issues;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Models.Length; i++)
        {
            Validate(options.Models[i], $"models[{i}]", names, issues);
        }

        return issues;
    }

    private static void Validate(SimulatedModel? model, string key, HashSet<string> names, List<ConfigIssue> issues)
    {
        if (model is null)
        {
            issues.Add(new(key, "must not be null."));
            return;
        }

        if (string.IsNullOrWhiteSpace(model.Name))
        {
            issues.Add(new($"{key}.name", "is required."));
        }
        else if (model.Name.Contains('@', StringComparison.Ordinal))
        {
            issues.Add(new($"{key}.name", $"'{model.Name}' must not contain '@': it introduces a fault suffix (MODEL@fault-NAME)."));
        }
        else if (!names.Add(model.Name))
        {
            issues.Add(new($"{key}.name", $"'{model.Name}' is served twice; model names must be unique."));
        }

        if (model.TimeToFirstToken < TimeSpan.Zero)
        {
            issues.Add(new($"{key}.time_to_first_token", "must not be negative."));
        }

        CheckFraction(model.TimeToFirstTokenJitter, $"{key}.time_to_first_token_jitter", issues);
        if (double.IsNaN(model.TokensPerSecond) || model.TokensPerSecond < 0)
        {
            issues.Add(new($"{key}.tokens_per_second", "must be a number >= 0 (0 or infinity means instant)."));
        }

        CheckFraction(model.TokensPerSecondJitter, $"{key}.tokens_per_second_jitter", issues);
        foreach (var (kind, skill) in model.Skill)
        {
            if (!PromptKinds.All.Contains(kind))
            {
                issues.Add(new($"{key}.skill.{kind}", $"unknown prompt kind; use one of: {string.Join(", ", PromptKinds.All)}."));
            }
            else if (double.IsNaN(skill) || skill is < 0 or > 1)
            {
                issues.Add(new($"{key}.skill.{kind}", $"{Format(skill)} is not a probability; use a number from 0 to 1."));
            }
        }

        if (double.IsNaN(model.WrongShare) || model.WrongShare is < 0 or > 1)
        {
            issues.Add(new($"{key}.wrong_share", $"{Format(model.WrongShare)} is not a share; use a number from 0 (no wrong answers) to 1 (every bad answer wrong)."));
        }

        var total = 0.0;
        foreach (var (fault, rate) in model.FaultRates)
        {
            if (!FaultNames.TryParse(fault, out _))
            {
                issues.Add(new($"{key}.fault_rates.{fault}", $"unknown fault; use one of: {FaultNames.ValidNames}."));
            }
            else if (double.IsNaN(rate) || rate is < 0 or > 1)
            {
                issues.Add(new($"{key}.fault_rates.{fault}", $"{Format(rate)} is not a probability; use a number from 0 to 1."));
            }
            else
            {
                total += rate;
            }
        }

        if (total > 1.0 + 1e-9)
        {
            issues.Add(new($"{key}.fault_rates", $"the rates add up to {Format(total)}; they must add up to at most 1."));
        }

        if (model.EmbeddingDimensions is < 1 or > Protocol.EmbeddingRequestParser.MaxDimensions)
        {
            issues.Add(new($"{key}.embedding_dimensions", $"{model.EmbeddingDimensions} is out of range; use 1-{Protocol.EmbeddingRequestParser.MaxDimensions}."));
        }

        if (model.ContextWindow < MinContextWindow)
        {
            issues.Add(new($"{key}.context_window", $"{model.ContextWindow} is too small; use at least {MinContextWindow} tokens."));
        }

        if (model.TokensPerChunk < 1)
        {
            issues.Add(new($"{key}.tokens_per_chunk", $"{model.TokensPerChunk} is too small; use at least 1."));
        }

        if (model.PrefixCacheBlockTokens is < 0 or > 4096)
        {
            issues.Add(new($"{key}.prefix_cache_block", $"{model.PrefixCacheBlockTokens} is out of range; use 0 (no prompt cache) or a block of 1-4096 tokens (vLLM uses 16, OpenAI caches in steps of 128)."));
        }

        if (model.ReasoningTokens is < 0 or > 1_000_000)
        {
            issues.Add(new($"{key}.reasoning_tokens", $"{model.ReasoningTokens} is out of range; use 0 (not a reasoning model) or the mean hidden reasoning tokens per answer, up to 1,000,000."));
        }
    }

    private static void CheckFraction(double value, string key, List<ConfigIssue> issues)
    {
        if (double.IsNaN(value) || value is < 0 or >= 1)
        {
            issues.Add(new(key, $"{Format(value)} is not a jitter fraction; use a number from 0 (none) to below 1 (e.g. 0.3 for ±30%)."));
        }
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
