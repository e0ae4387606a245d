using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>deployments:</c>: a model on a provider, with its context window, hosting, concurrency cap and timeouts.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] DeploymentKeys =
        ["provider", "model", "base", "context_window", "hosting", "region", "max_concurrency", "timeouts", "retry", "circuit_breaker", "health_check", "pricing", "registry_model", "registry_manifest", "default_max_tokens", "azure_deployment"];

    private static readonly string[] TimeoutKeys = ["connect", "first_token", "total", "stall"];
    private static readonly string[] RetryKeys = ["attempts", "backoff", "max_backoff"];
    private static readonly string[] CircuitBreakerKeys = ["enabled", "failure_ratio", "minimum_attempts", "window", "break_for"];
    private static readonly string[] HealthCheckKeys = ["url", "interval", "timeout", "unhealthy_after"];

    private static readonly (string Word, Hosting Value)[] HostingKinds = [("self-hosted", Hosting.SelfHosted), ("external", Hosting.External)];

    private const string DeploymentsExample = "deployments: { llama-8b: { provider: local-vllm, model: meta-llama/Llama-3.1-8B-Instruct } }";

    private ImmutableArray<DeploymentConfig> ReadDeployments(Section top, List<string> providerNames, out List<string> names)
    {
        names = [];
        var entries = ReadNamed(Value(top, "deployments"), "deployments", DeploymentsExample);
        foreach (var entry in entries)
        {
            names.Add(entry.Name);
        }

        var deployments = ImmutableArray.CreateBuilder<DeploymentConfig>();
        foreach (var entry in entries)
        {
            ValidateName(entry.Key, "deployments", "deployment", allowSlash: false);
            if (ReadDeployment(entry, providerNames, names, entries) is { } deployment)
            {
                deployments.Add(deployment);
            }
        }

        return deployments.ToImmutable();
    }

    private DeploymentConfig? ReadDeployment(Entry entry, List<string> providerNames, List<string> deploymentNames, List<Entry> entries)
    {
        var path = Join("deployments", entry.Name);
        if (ReadSection(entry.Value, path, entry.Key.Start, DeploymentKeys, "{ provider: local-vllm, model: meta-llama/Llama-3.1-8B-Instruct }") is not { } section)
        {
            return null;
        }

        var ok = true;
        string? baseName = null;
        string? provider;
        if (Value(section, "base") is { } baseNode)
        {
            // A LoRA adapter: the base's server serves it, so the provider is the base's.
            (ok, baseName, provider) = ReadAdapterBase(section, baseNode, entry.Name, deploymentNames, entries);
        }
        else
        {
            provider = RequiredString(section, "provider", providerNames.Count > 0
                ? $"Name the provider that serves this model: one of {NameSuggester.List(providerNames)}."
                : "Name the provider that serves this model, and define it under providers:.");
            ok = provider is not null && ProviderExists(section, provider, providerNames);
        }

        var model = RequiredString(section, "model", baseName is null
            ? "Write the model name the provider expects, e.g. model: meta-llama/Llama-3.1-8B-Instruct."
            : "Write the adapter's name as the server knows it (vLLM: the name given to --lora-modules).");

        var defaults = new DeploymentConfig { Name = entry.Name, Provider = "", Model = "" };
        var contextWindow = defaults.ContextWindow;
        ok &= TryReadInt(section, "context_window", 1, int.MaxValue, "It is the model's context length in tokens, e.g. 131072 for Llama 3.1.", ref contextWindow);
        var hosting = DefaultHosting(provider);
        ok &= TryReadChoice(section, "hosting", HostingKinds, ref hosting);
        var defaultMaxTokens = defaults.DefaultMaxTokens;
        ok &= ReadDeploymentKindKeys(section, provider, ref defaultMaxTokens, out var azureDeployment);
        var maxConcurrency = 0;
        var maxConcurrencyOk = TryReadInt(section, "max_concurrency", 1, int.MaxValue, "It caps concurrent upstream requests; remove it for no cap.", ref maxConcurrency);
        ok &= maxConcurrencyOk;
        if (baseName is not null && Value(section, "max_concurrency") is { } capNode)
        {
            Error(capNode, Join(path, "max_concurrency"), $"an adapter shares the concurrency slots of its base '{baseName}'. Set max_concurrency on the base instead.");
            ok = false;
        }

        string? region = null;
        if (Value(section, "region") is { } regionNode)
        {
            region = Scalar(regionNode, Join(path, "region"), "a region name, e.g. eu-west-1");
            ok &= region is not null;
        }

        var pricing = ReadPricing(section, hosting, ref ok);
        string? registryModel = null;
        if (Value(section, "registry_model") is { } registryNode)
        {
            registryModel = Scalar(registryNode, Join(path, "registry_model"), "a model id from `switchyard models list`")?.Trim();
            if (registryModel is { Length: 0 })
            {
                Error(registryNode, Join(path, "registry_model"), "is empty: name the registry model this deployment serves (`switchyard models list` shows them).");
            }

            ok &= registryModel is { Length: > 0 };
        }

        string? registryManifest = null;
        if (Value(section, "registry_manifest") is { } manifestNode)
        {
            if (Scalar(manifestNode, Join(path, "registry_manifest"), "the path of the manifest of the files the model server loads") is not { Length: > 0 } manifestText)
            {
                ok = false;
            }
            else if (registryModel is null)
            {
                Error(manifestNode, Join(path, "registry_manifest"), "is checked against the approved files of the deployment's registry_model, and there is none: add registry_model: ID.");
                ok = false;
            }
            else
            {
                registryManifest = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_file)) ?? ".", manifestText.Trim()));
            }
        }
        var timeouts = ReadTimeouts(section);
        var retry = ReadRetry(section);
        var breaker = ReadCircuitBreaker(section);
        var health = ReadHealthCheck(section, out var healthOk);
        if (baseName is not null && Value(section, "health_check") is { } healthNode)
        {
            Error(healthNode, Join(path, "health_check"), $"an adapter shares the health of its base '{baseName}'. Configure health_check on the base instead.");
            ok = false;
        }

        return ok && healthOk && model is not null && timeouts is not null && retry is not null && breaker is not null
            ? new DeploymentConfig
            {
                Name = entry.Name,
                Provider = provider!,
                Model = model,
                Base = baseName,
                ContextWindow = contextWindow,
                Hosting = hosting,
                Region = region,
                MaxConcurrency = Value(section, "max_concurrency") is null ? null : maxConcurrency,
                Timeouts = timeouts,
                Retry = retry,
                CircuitBreaker = breaker,
                HealthCheck = health,
                Pricing = pricing,
                RegistryModel = registryModel,
                RegistryManifest = registryManifest,
                DefaultMaxTokens = defaultMaxTokens,
                AzureDeployment = azureDeployment,
                Line = (int)entry.Key.Start.Line,
            }
            : null;
    }

    /// <summary><c>base</c>: an existing deployment that is not itself an adapter; the adapter takes its provider.</summary>
    private (bool Ok, string? Base, string? Provider) ReadAdapterBase(Section section, YamlNode node, string self, List<string> deploymentNames, List<Entry> entries)
    {
        var key = Join(section.Path, "base");
        if (Scalar(node, key, "the name of the base deployment") is not { } name)
        {
            return (false, null, null);
        }

        if (name == self)
        {
            Error(node, key, "a deployment cannot be its own base. Name the deployment that serves the base model.");
            return (false, null, null);
        }

        var baseEntry = entries.FirstOrDefault(e => e.Name == name);
        if (baseEntry.Key is null)
        {
            Error(node, key, $"the deployment '{Truncate(name)}' is not defined.{NameSuggester.DidYouMean(name, deploymentNames)} Defined deployments: {NameSuggester.List(deploymentNames)}.");
            return (false, null, null);
        }

        if (baseEntry.Value is not YamlMappingNode baseMapping)
        {
            return (false, null, null);
        }

        if (baseMapping.Children.Keys.Any(k => k is YamlScalarNode { Value: "base" }))
        {
            Error(node, key, $"'{Truncate(name)}' is itself an adapter; name the deployment that serves the base model (adapters do not stack).");
            return (false, null, null);
        }

        var baseProvider = baseMapping.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "provider" }).Value as YamlScalarNode;
        if (Value(section, "provider") is { } own && baseProvider?.Value is { } inherited && (own as YamlScalarNode)?.Value != inherited)
        {
            Error(own, Join(section.Path, "provider"), $"an adapter is served by its base's provider '{inherited}'. Remove provider, or make it '{inherited}'.");
            return (false, null, null);
        }

        // The base's own errors (a missing or unknown provider) are reported on the base.
        return (baseProvider?.Value is not null, name, baseProvider?.Value);
    }

    private RetryConfig? ReadRetry(Section deployment)
    {
        var owner = deployment.Entries.TryGetValue("retry", out var entry) ? entry.Key.Start : deployment.Owner;
        if (ReadSection(Value(deployment, "retry"), Join(deployment.Path, "retry"), owner, RetryKeys, "retry: { attempts: 2, backoff: 200ms, max_backoff: 5s }") is not { } section)
        {
            return null;
        }

        var defaults = RetryConfig.Default;
        var attempts = defaults.Attempts;
        var backoff = defaults.Backoff;
        var maxBackoff = defaults.MaxBackoff;
        var ok = TryReadInt(section, "attempts", 0, 10, "It is how many times the deployment is retried before the next one is tried.", ref attempts)
            & TryReadDuration(section, "backoff", ref backoff)
            & TryReadDuration(section, "max_backoff", ref maxBackoff);
        if (ok && backoff > maxBackoff)
        {
            Error(MarkOf(section, "backoff"), Join(section.Path, "backoff"), $"backoff ({DurationSyntax.Format(backoff)}) is longer than max_backoff ({DurationSyntax.Format(maxBackoff)}). Make backoff at most max_backoff.");
            ok = false;
        }

        return ok ? new RetryConfig { Attempts = attempts, Backoff = backoff, MaxBackoff = maxBackoff } : null;
    }

    private CircuitBreakerConfig? ReadCircuitBreaker(Section deployment)
    {
        var owner = deployment.Entries.TryGetValue("circuit_breaker", out var entry) ? entry.Key.Start : deployment.Owner;
        if (ReadSection(Value(deployment, "circuit_breaker"), Join(deployment.Path, "circuit_breaker"), owner, CircuitBreakerKeys, "circuit_breaker: { failure_ratio: 0.5, minimum_attempts: 5, window: 30s, break_for: 15s }") is not { } section)
        {
            return null;
        }

        var defaults = CircuitBreakerConfig.Default;
        var enabled = defaults.Enabled;
        var ratio = defaults.FailureRatio;
        var minimum = defaults.MinimumAttempts;
        var window = defaults.Window;
        var breakFor = defaults.BreakFor;
        var ok = TryReadBool(section, "enabled", ref enabled)
            & TryReadRatio(section, "failure_ratio", ref ratio)
            & TryReadInt(section, "minimum_attempts", 2, int.MaxValue, "It is how many attempts the window needs before the failure ratio can open the circuit.", ref minimum)
            & TryReadDuration(section, "window", ref window)
            & TryReadDuration(section, "break_for", ref breakFor);
        if (ok && window < TimeSpan.FromMilliseconds(500))
        {
            Error(MarkOf(section, "window"), Join(section.Path, "window"), $"must be at least 500ms, but is {DurationSyntax.Format(window)}.");
            ok = false;
        }

        if (ok && breakFor < TimeSpan.FromMilliseconds(500))
        {
            Error(MarkOf(section, "break_for"), Join(section.Path, "break_for"), $"must be at least 500ms, but is {DurationSyntax.Format(breakFor)}.");
            ok = false;
        }

        return ok ? new CircuitBreakerConfig { Enabled = enabled, FailureRatio = ratio, MinimumAttempts = minimum, Window = window, BreakFor = breakFor } : null;
    }

    /// <summary><c>health_check</c>: absent or false for none, true for the defaults, or a mapping.</summary>
    private HealthCheckConfig? ReadHealthCheck(Section deployment, out bool ok)
    {
        ok = true;
        var path = Join(deployment.Path, "health_check");
        var node = Value(deployment, "health_check");
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } flag })
        {
            if (flag.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return new HealthCheckConfig();
            }

            if (flag.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        var owner = deployment.Entries["health_check"].Key.Start;
        if (ReadSection(node, path, owner, HealthCheckKeys, "health_check: { url: models, interval: 10s, timeout: 2s } (or health_check: true)") is not { } section)
        {
            ok = false;
            return null;
        }

        var defaults = new HealthCheckConfig();
        var url = defaults.Url;
        if (Value(section, "url") is { } urlNode)
        {
            url = Scalar(urlNode, Join(path, "url"), "a path under the provider's base URL, or an absolute URL") ?? url;
            if (url.Contains("://", StringComparison.Ordinal) && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                Error(urlNode, Join(path, "url"), $"'{Truncate(url)}' is not a valid URL; write a path such as models or health, or an absolute http(s) URL.");
                ok = false;
            }
        }

        var interval = defaults.Interval;
        var timeout = defaults.Timeout;
        var unhealthyAfter = defaults.UnhealthyAfter;
        ok &= TryReadDuration(section, "interval", ref interval)
            & TryReadDuration(section, "timeout", ref timeout)
            & TryReadInt(section, "unhealthy_after", 1, 100, "It is how many failed checks in a row mark the deployment unhealthy.", ref unhealthyAfter);
        if (ok && timeout > interval)
        {
            Error(MarkOf(section, "timeout"), Join(path, "timeout"), $"timeout ({DurationSyntax.Format(timeout)}) is longer than interval ({DurationSyntax.Format(interval)}). Make it at most the interval.");
            ok = false;
        }

        return ok ? new HealthCheckConfig { Url = url, Interval = interval, Timeout = timeout, UnhealthyAfter = unhealthyAfter } : null;
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
        var stall = TimeSpan.Zero;
        var ok = TryReadDuration(section, "connect", ref connect)
            & TryReadDuration(section, "first_token", ref firstToken)
            & TryReadDuration(section, "total", ref total)
            & TryReadDuration(section, "stall", ref stall);
        if (!ok)
        {
            return null;
        }

        ok &= NotLongerThanTotal(section, "connect", connect, total);
        ok &= NotLongerThanTotal(section, "first_token", firstToken, total);
        if (stall > TimeSpan.Zero)
        {
            ok &= NotLongerThanTotal(section, "stall", stall, total);
        }

        return ok ? new TimeoutsConfig { Connect = connect, FirstToken = firstToken, Total = total, Stall = stall > TimeSpan.Zero ? stall : null } : null;
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
