using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>
/// The keys that belong to one provider kind: Anthropic's <c>anthropic_version</c> and <c>anthropic_beta</c>, Azure's
/// <c>endpoint</c> and <c>api_version</c>, and on deployments <c>default_max_tokens</c> (Anthropic) and
/// <c>azure_deployment</c> (Azure). A key of another kind is an error that says which kind it belongs to.
/// </summary>
internal sealed partial class ConfigReader
{
    /// <summary>Each provider's kind, by name, for the deployments' kind-specific keys and default hosting.</summary>
    private readonly Dictionary<string, ProviderKind> _providerKinds = new(StringComparer.Ordinal);

    private static readonly (string Key, ProviderKind Kind, string Meaning)[] KindKeys =
    [
        ("endpoint", ProviderKind.AzureOpenAI, "the Azure resource's endpoint"),
        ("api_version", ProviderKind.AzureOpenAI, "Azure's api-version"),
        ("anthropic_version", ProviderKind.Anthropic, "the anthropic-version header"),
        ("anthropic_beta", ProviderKind.Anthropic, "the anthropic-beta header"),
    ];

    private static string KindWord(ProviderKind kind) => kind switch
    {
        ProviderKind.Anthropic => "anthropic",
        ProviderKind.AzureOpenAI => "azure-openai",
        _ => "openai",
    };

    /// <summary>Reports the keys of another kind, and <c>base_url</c> on Azure (whose URL is <c>endpoint</c>).</summary>
    private bool CheckKindKeys(Section section, ProviderKind kind)
    {
        var ok = true;
        foreach (var (key, owner, meaning) in KindKeys)
        {
            if (owner != kind && Value(section, key) is { } node)
            {
                Error(node, Join(section.Path, key), $"is {meaning}, a key of kind: {KindWord(owner)} providers; this provider is kind: {KindWord(kind)}. Remove it.");
                ok = false;
            }
        }

        if (kind == ProviderKind.AzureOpenAI && Value(section, "base_url") is { } baseUrl)
        {
            Error(baseUrl, Join(section.Path, "base_url"), "an azure-openai provider takes its resource's URL as endpoint (e.g. endpoint: https://my-resource.openai.azure.com); the gateway builds /openai/deployments/NAME/... from it. Rename base_url to endpoint.");
            ok = false;
        }

        return ok;
    }

    /// <summary>The kind-specific values of a provider.</summary>
    private KindOptions ReadKindOptions(Section section, ProviderKind kind, ref bool ok)
    {
        switch (kind)
        {
            case ProviderKind.Anthropic:
                string? version = null;
                if (Value(section, "anthropic_version") is { } versionNode)
                {
                    version = Scalar(versionNode, Join(section.Path, "anthropic_version"), "a date, e.g. 2023-06-01")?.Trim();
                    if (version is not null && !IsVersionDate(version))
                    {
                        Error(versionNode, Join(section.Path, "anthropic_version"), $"'{Truncate(version)}' is not an Anthropic API version; they are dates, e.g. anthropic_version: {ProviderConfig.DefaultAnthropicVersion}.");
                        version = null;
                    }

                    ok &= version is not null;
                }

                return new KindOptions(version, ReadBetas(section, ref ok), null);
            case ProviderKind.AzureOpenAI:
                var apiVersion = RequiredString(section, "api_version", "Azure OpenAI needs the API version in every URL; add e.g. api_version: 2024-10-21.")?.Trim();
                if (apiVersion is { Length: 0 } || (apiVersion is not null && !apiVersion.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')))
                {
                    Error(Value(section, "api_version")!, Join(section.Path, "api_version"), $"'{Truncate(apiVersion)}' is not an API version; write a date with an optional suffix, e.g. 2024-10-21 or 2025-01-01-preview.");
                    apiVersion = null;
                }

                ok &= apiVersion is not null;
                return new KindOptions(null, [], apiVersion);
            default:
                return default;
        }
    }

    /// <summary><c>anthropic_beta</c>: one beta name or a list of them, each a header token.</summary>
    private ImmutableArray<string> ReadBetas(Section section, ref bool ok)
    {
        if (Value(section, "anthropic_beta") is not { } node)
        {
            return [];
        }

        var path = Join(section.Path, "anthropic_beta");
        IEnumerable<YamlNode> items = node is YamlSequenceNode list ? list.Children : [node];
        var betas = ImmutableArray.CreateBuilder<string>();
        foreach (var item in items)
        {
            if (Scalar(item, path, "a beta name or a list of them, e.g. anthropic_beta: [prompt-caching-2024-07-31]")?.Trim() is not { Length: > 0 } beta
                || !beta.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                Error(item, path, "each beta is a name of letters, digits and '-', e.g. anthropic_beta: [prompt-caching-2024-07-31].");
                ok = false;
                continue;
            }

            betas.Add(beta);
        }

        return betas.ToImmutable();
    }

    private static bool IsVersionDate(string text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);

    /// <summary>
    /// A deployment's keys of its provider's kind: <c>default_max_tokens</c> (Anthropic) and <c>azure_deployment</c>
    /// (Azure), each refused on a provider of another kind. Returns the values through <paramref name="maxTokens"/> and
    /// <paramref name="azureDeployment"/>.
    /// </summary>
    private bool ReadDeploymentKindKeys(Section section, string? provider, ref int maxTokens, out string? azureDeployment)
    {
        azureDeployment = null;
        var ok = true;
        ProviderKind? kind = provider is not null && _providerKinds.TryGetValue(provider, out var known) ? known : null;
        if (Value(section, "default_max_tokens") is { } maxNode)
        {
            if (kind is { } k && k != ProviderKind.Anthropic)
            {
                Error(maxNode, Join(section.Path, "default_max_tokens"), $"applies to deployments on kind: anthropic providers (Anthropic requires max_tokens); '{provider}' is kind: {KindWord(k)}, which needs none. Remove it.");
                ok = false;
            }
            else
            {
                ok &= TryReadInt(section, "default_max_tokens", 1, 1_000_000, "It is the max_tokens sent to Anthropic when the client gives none.", ref maxTokens);
            }
        }

        if (Value(section, "azure_deployment") is { } azureNode)
        {
            if (kind is { } k && k != ProviderKind.AzureOpenAI)
            {
                Error(azureNode, Join(section.Path, "azure_deployment"), $"names an Azure OpenAI deployment; '{provider}' is kind: {KindWord(k)}. Remove it.");
                ok = false;
            }
            else
            {
                azureDeployment = Scalar(azureNode, Join(section.Path, "azure_deployment"), "the Azure deployment's name")?.Trim();
                if (azureDeployment is not null && (azureDeployment.Length == 0 || !azureDeployment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                {
                    Error(azureNode, Join(section.Path, "azure_deployment"), "an Azure deployment name is letters, digits, '-', '_' and '.', as shown in the Azure portal.");
                    azureDeployment = null;
                }

                ok &= azureDeployment is not null;
            }
        }

        if (kind == ProviderKind.AzureOpenAI && azureDeployment is null && Value(section, "model") is YamlScalarNode { Value: { } model }
            && !model.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            Error(section.Owner, Join(section.Path, "azure_deployment"), $"missing: the model '{Truncate(model)}' cannot be an Azure deployment name (it goes into the URL). Add azure_deployment: NAME, the deployment's name in the Azure portal.");
            ok = false;
        }

        return ok;
    }

    /// <summary>Where a deployment runs when <c>hosting</c> is absent: an Anthropic or Azure deployment is always external.</summary>
    private Hosting DefaultHosting(string? provider)
        => provider is not null && _providerKinds.TryGetValue(provider, out var kind) && kind != ProviderKind.OpenAI ? Hosting.External : Hosting.SelfHosted;

    private readonly record struct KindOptions(string? AnthropicVersion, ImmutableArray<string> AnthropicBeta, string? ApiVersion);
}
