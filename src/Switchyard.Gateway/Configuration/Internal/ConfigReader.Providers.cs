using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>providers:</c>: kind, base URL, API key (from the environment only) and extra headers.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] ProviderKeys = ["kind", "base_url", "endpoint", "api_key", "headers", "api_version", "anthropic_version", "anthropic_beta"];

    private static readonly (string Word, ProviderKind Value)[] ProviderKinds =
        [("openai", ProviderKind.OpenAI), ("anthropic", ProviderKind.Anthropic), ("azure-openai", ProviderKind.AzureOpenAI)];

    /// <summary>
    /// Headers that carry credentials: like <c>api_key</c>, their value must come from the environment.
    /// </summary>
    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "X-Api-Key", "Api-Key",
    };

    private const string ProvidersExample = "providers: { local-vllm: { kind: openai, base_url: http://127.0.0.1:8000/v1 } }";

    private ImmutableArray<ProviderConfig> ReadProviders(Section top, out List<string> names)
    {
        names = [];
        var providers = ImmutableArray.CreateBuilder<ProviderConfig>();
        foreach (var entry in ReadNamed(Value(top, "providers"), "providers", ProvidersExample))
        {
            ValidateName(entry.Key, "providers", "provider", allowSlash: false);
            names.Add(entry.Name);
            if (ReadProvider(entry) is { } provider)
            {
                providers.Add(provider);
            }
        }

        return providers.ToImmutable();
    }

    private ProviderConfig? ReadProvider(Entry entry)
    {
        var path = Join("providers", entry.Name);
        if (ReadSection(entry.Value, path, entry.Key.Start, ProviderKeys, "{ kind: openai, base_url: http://127.0.0.1:8000/v1 }") is not { } section)
        {
            return null;
        }

        ProviderKind? kind = null;
        if (Value(section, "kind") is null)
        {
            Error(section.Owner, Join(path, "kind"), $"missing. Add kind: openai (OpenAI and every OpenAI-compatible server: vLLM, TGI, Ollama, llama.cpp), anthropic or azure-openai. Valid kinds: {NameSuggester.List(ProviderKinds.Select(k => k.Word).ToArray())}.");
        }
        else
        {
            var parsed = ProviderKind.OpenAI;
            if (TryReadChoice(section, "kind", ProviderKinds, ref parsed))
            {
                kind = parsed;
                _providerKinds[entry.Name] = parsed;
            }
        }

        // Azure names its URL the resource's endpoint; every other kind takes the API's base URL with its version path.
        var urlKey = kind == ProviderKind.AzureOpenAI ? "endpoint" : "base_url";
        var ok = kind is null || CheckKindKeys(section, kind.Value);
        // An Azure provider with base_url instead of endpoint gets one error (rename it), not a second one for endpoint.
        var misnamed = kind == ProviderKind.AzureOpenAI && Value(section, "endpoint") is null && Value(section, "base_url") is not null;
        var baseUrl = misnamed ? null : ReadBaseUrl(section, entry.Name, urlKey, kind ?? ProviderKind.OpenAI);
        ok &= TryReadApiKey(section, entry.Name, out var apiKey);
        ok &= TryReadHeaders(section, entry.Name, out var headers);
        var options = kind is { } known ? ReadKindOptions(section, known, ref ok) : default;
        return ok && kind is { } k && baseUrl is not null
            ? new ProviderConfig
            {
                Name = entry.Name,
                Kind = k,
                BaseUrl = baseUrl,
                ApiKey = apiKey,
                Headers = headers,
                AnthropicVersion = options.AnthropicVersion ?? ProviderConfig.DefaultAnthropicVersion,
                AnthropicBeta = options.AnthropicBeta.IsDefault ? [] : options.AnthropicBeta,
                ApiVersion = options.ApiVersion,
            }
            : null;
    }

    /// <summary>
    /// <c>base_url</c> (or Azure's <c>endpoint</c>): an absolute http(s) URL, <c>${VAR}</c> allowed, without a trailing slash.
    /// </summary>
    private Uri? ReadBaseUrl(Section section, string providerName, string urlKey, ProviderKind kind)
    {
        var example = kind switch
        {
            ProviderKind.Anthropic => "https://api.anthropic.com/v1",
            ProviderKind.AzureOpenAI => "https://my-resource.openai.azure.com",
            _ => "https://api.openai.com/v1 or http://127.0.0.1:8000/v1",
        };
        var key = Join(section.Path, urlKey);
        var text = RequiredString(section, urlKey, kind == ProviderKind.AzureOpenAI
            ? $"Add the Azure OpenAI resource's endpoint, e.g. endpoint: {example}."
            : $"Add the API's URL including its version path, e.g. base_url: {example}.");
        if (text is null || Substitute(Value(section, urlKey)!, key, text) is not { } url)
        {
            return null;
        }

        var node = Value(section, urlKey)!;
        // SECURITY: a URL with user:password@ holds a credential; never echo it.
        var shown = url.Contains('@', StringComparison.Ordinal) ? "the URL" : $"'{Truncate(url.Trim())}'";
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            var hint = url.Contains("://", StringComparison.Ordinal) ? "" : " (it needs http:// or https:// in front)";
            Error(node, key, $"{shown} is not an absolute http or https URL{hint}; write the API's base URL including its version path, e.g. {example}.");
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            Error(node, key, $"the URL holds a user name or password; secrets must not live in the file. Remove it and use api_key: ${{{SuggestedVariable(providerName)}}}.");
            return null;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            Error(node, key, $"{shown} has a query (?...) or fragment (#...); request paths such as /chat/completions are appended to the base URL, so it must end with its path, e.g. {example}.");
            return null;
        }

        if (kind == ProviderKind.Anthropic && uri.Host.Equals("api.anthropic.com", StringComparison.OrdinalIgnoreCase) && uri.AbsolutePath.TrimEnd('/') != "/v1")
        {
            Error(node, key, $"Anthropic's API is at https://api.anthropic.com/v1 (the gateway appends /messages); write base_url: https://api.anthropic.com/v1.");
            return null;
        }

        // Paths are appended as "/chat/completions": a trailing slash would double it. A bare host keeps the one '/'
        // that System.Uri always prints for an empty path.
        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }

    /// <summary>
    /// <c>api_key</c>: only as <c>${VAR}</c> or <c>${VAR:-default}</c>, so that secrets live in the environment (or a secret
    /// store that fills it), never in a file that gets committed, copied into tickets or printed by <c>cat</c>.
    /// </summary>
    private bool TryReadApiKey(Section section, string providerName, out string? apiKey)
    {
        apiKey = null;
        if (Value(section, "api_key") is not { } node)
        {
            return true;
        }

        var key = Join(section.Path, "api_key");
        var variable = SuggestedVariable(providerName);
        if (node is not YamlScalarNode { Value: { } text })
        {
            Error(node, key, $"expected a reference to an environment variable, e.g. api_key: ${{{variable}}}, but found {Describe(node)}.");
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return true;
        }

        if (!EnvironmentReferences.IsWholeReference(trimmed))
        {
            Error(node, key, trimmed.StartsWith("${", StringComparison.Ordinal)
                ? $"the reference is malformed; write {EnvironmentReferences.Expected}, e.g. api_key: ${{{variable}}}."
                : $"the key is written in the file ({DescribeSecret(trimmed)}); secrets must not live in configuration files. Put it in an environment variable and write api_key: ${{{variable}}}.");
            return false;
        }

        EnvironmentReferences.TrySubstitute(trimmed, _environment, out var value, out var missing);
        if (missing is not null)
        {
            Error(node, key, $"the environment variable {missing} is not set (or is empty). Set it before starting Switchyard (export {missing}=...), give a default with ${{{missing}:-...}}, or remove api_key if this provider needs no key.");
            return false;
        }

        apiKey = value.Length == 0 ? null : value;
        return true;
    }

    /// <summary>
    /// SECURITY: describes a secret without revealing it: its length, and its first 3 characters (enough to tell an
    /// OpenAI "sk-" key from a pasted token) only when it is long enough that 3 characters give little away.
    /// </summary>
    private static string DescribeSecret(string secret) => secret.Length >= 12
        ? $"a {secret.Length}-character value starting with '{secret[..3]}'"
        : $"a {secret.Length}-character value";

    /// <summary>The variable name to suggest for a provider's key: <c>local-vllm</c> gives <c>LOCAL_VLLM_API_KEY</c>.</summary>
    private static string SuggestedVariable(string providerName)
    {
        var chars = providerName.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray();
        var stem = new string(chars).Trim('_');
        return stem.Length == 0 || char.IsAsciiDigit(stem[0]) ? "PROVIDER_API_KEY" : $"{stem}_API_KEY";
    }

    private bool TryReadHeaders(Section section, string providerName, out ImmutableDictionary<string, string> headers)
    {
        headers = ImmutableDictionary<string, string>.Empty;
        var path = Join(section.Path, "headers");
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        var ok = true;
        foreach (var entry in ReadNamed(Value(section, "headers"), path, "headers: { X-Org: acme }"))
        {
            var name = entry.Name;
            var key = Join(path, name);
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                Error(entry.Key, key, "is not a valid HTTP header name; use letters, digits and '-', e.g. X-Org.");
                ok = false;
                continue;
            }

            if (builder.ContainsKey(name))
            {
                Error(entry.Key, key, $"the header '{name}' is set twice (header names ignore case); keep one.");
                ok = false;
                continue;
            }

            if (IsNull(entry.Value))
            {
                Error(entry.Value, key, "has no value; write the value, or remove the header.");
                ok = false;
                continue;
            }

            // SECURITY: header values may be credentials; messages below never quote them.
            if (entry.Value is not YamlScalarNode { Value: { } text })
            {
                Error(entry.Value, key, $"expected a single value but found {(entry.Value is YamlSequenceNode ? "a list" : "a mapping")}.");
                ok = false;
                continue;
            }

            if (SecretHeaders.Contains(name) && !text.Contains("${", StringComparison.Ordinal))
            {
                Error(entry.Value, key, $"the {name} header holds a credential written in the file ({DescribeSecret(text)}); secrets must not live in configuration files. Put it in an environment variable and reference it, e.g. {name}: Bearer ${{{SuggestedVariable(providerName)}}}.");
                ok = false;
                continue;
            }

            if (Substitute(entry.Value, key, text) is not { } value)
            {
                ok = false;
                continue;
            }

            if (value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
            {
                Error(entry.Value, key, "the value contains a line break, which HTTP headers cannot carry; write it on one line.");
                ok = false;
                continue;
            }

            builder[name] = value;
        }

        headers = builder.ToImmutable();
        return ok;
    }

    /// <summary>Replaces <c>${VAR}</c> references; reports a malformed reference or an unset variable.</summary>
    private string? Substitute(YamlNode node, string key, string text)
    {
        if (EnvironmentReferences.TrySubstitute(text, _environment, out var value, out var missing) is { } problem)
        {
            Error(node, key, $"{problem}.");
            return null;
        }

        if (missing is not null)
        {
            Error(node, key, $"the environment variable {missing} is not set (or is empty). Set it before starting Switchyard (export {missing}=...), or give a default with ${{{missing}:-...}}.");
            return null;
        }

        return value;
    }

    /// <summary>RFC 9110 token characters, the only ones a header name may hold.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
