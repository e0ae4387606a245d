using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>deployments:</c>: a model on a provider, with its context window, hosting, concurrency cap and timeouts.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] DeploymentKeys = ["provider", "model", "context_window", "hosting", "max_concurrency", "timeouts"];
    private static readonly string[] TimeoutKeys = ["connect", "first_token", "total"];

    private static readonly (string Word, Hosting Value)[] HostingKinds = [("self-hosted", Hosting.SelfHosted), ("external", Hosting.External)];

    private const string DeploymentsExample = "deployments: { llama-8b: { provider: local-vllm, model: meta-llama/Llama-3.1-8B-Instruct } }";

    private ImmutableArray<DeploymentConfig> ReadDeployments(Section top, List<string> providerNames, out List<string> names)
    {
        names = [];
        var deployments = ImmutableArray.CreateBuilder<DeploymentConfig>();
        foreach (var entry in ReadNamed(Value(top, "deployments"), "deployments", DeploymentsExample))
        {
            ValidateName(entry.Key, "deployments", "deployment", allowSlash: false);
            names.Add(entry.Name);
            if (ReadDeployment(entry, providerNames) is { } deployment)
            {
                deployments.Add(deployment);
            }
        }

        return deployments.ToImmutable();
    }

    private DeploymentConfig? ReadDeployment(Entry entry, List<string> providerNames)
    {
        var path = Join("deployments", entry.Name);
        if (ReadSection(entry.Value, path, entry.Key.Start, DeploymentKeys, "{ provider: local-vllm, model: meta-llama/Llama-3.1-8B-Instruct }") is not { } section)
        {
            return null;
        }

        var provider = RequiredString(section, "provider", providerNames.Count > 0
            ? $"Name the provider that serves this model: one of {NameSuggester.List(providerNames)}."
            : "Name the provider that serves this model, and define it under providers:.");
        var ok = provider is not null && ProviderExists(section, provider, providerNames);
        var model = RequiredString(section, "model", "Write the model name the provider expects, e.g. model: meta-llama/Llama-3.1-8B-Instruct.");

        var defaults = new DeploymentConfig { Name = entry.Name, Provider = "", Model = "" };
        var contextWindow = defaults.ContextWindow;
        ok &= TryReadInt(section, "context_window", 1, int.MaxValue, "It is the model's context length in tokens, e.g. 131072 for Llama 3.1.", ref contextWindow);
        var hosting = defaults.Hosting;
        ok &= TryReadChoice(section, "hosting", HostingKinds, ref hosting);
        var maxConcurrency = 0;
        var maxConcurrencyOk = TryReadInt(section, "max_concurrency", 1, int.MaxValue, "It caps concurrent upstream requests; remove it for no cap.", ref maxConcurrency);
        ok &= maxConcurrencyOk;
        var timeouts = ReadTimeouts(section);

        return ok && model is not null && timeouts is not null
            ? new DeploymentConfig
            {
                Name = entry.Name,
                Provider = provider!,
                Model = model,
                ContextWindow = contextWindow,
                Hosting = hosting,
                MaxConcurrency = Value(section, "max_concurrency") is null ? null : maxConcurrency,
                Timeouts = timeouts,
            }
            : null;
    }

    private bool ProviderExists(Section section, string provider, List<string> providerNames)
    {
        if (providerNames.Contains(provider, StringComparer.Ordinal))
        {
            return true;
        }

        var fix = providerNames.Count == 0
            ? " No providers are defined: add one under providers:."
            : $"{NameSuggester.DidYouMean(provider, providerNames)} Defined providers: {NameSuggester.List(providerNames)}.";
        Error(MarkOf(section, "provider"), Join(section.Path, "provider"), $"the provider '{Truncate(provider)}' is not defined.{fix}");
        return false;
    }

    /// <summary><c>timeouts:</c>: each positive; <c>connect</c> and <c>first_token</c> no longer than <c>total</c>, defaults included.</summary>
    private TimeoutsConfig? ReadTimeouts(Section deployment)
    {
        var owner = deployment.Entries.TryGetValue("timeouts", out var entry) ? entry.Key.Start : deployment.Owner;
        var path = Join(deployment.Path, "timeouts");
        if (ReadSection(Value(deployment, "timeouts"), path, owner, TimeoutKeys, "timeouts: { connect: 2s, first_token: 30s, total: 5m }") is not { } section)
        {
            return null;
        }

        var defaults = TimeoutsConfig.Default;
        var connect = defaults.Connect;
        var firstToken = defaults.FirstToken;
        var total = defaults.Total;
        var ok = TryReadDuration(section, "connect", ref connect)
            & TryReadDuration(section, "first_token", ref firstToken)
            & TryReadDuration(section, "total", ref total);
        if (!ok)
        {
            return null;
        }

        ok &= NotLongerThanTotal(section, "connect", connect, total);
        ok &= NotLongerThanTotal(section, "first_token", firstToken, total);
        return ok ? new TimeoutsConfig { Connect = connect, FirstToken = firstToken, Total = total } : null;
    }

    private bool NotLongerThanTotal(Section section, string key, TimeSpan value, TimeSpan total)
    {
        if (value <= total)
        {
            return true;
        }

        var valueText = $"{DurationSyntax.Format(value)}{(section.Entries.ContainsKey(key) ? "" : ", the default")}";
        var totalText = $"{DurationSyntax.Format(total)}{(section.Entries.ContainsKey("total") ? "" : ", the default")}";
        Error(MarkOf(section, key), Join(section.Path, key), $"{key} ({valueText}) is longer than total ({totalText}), which bounds the whole attempt. Make {key} at most total, or raise total.");
        return false;
    }
}
