using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Economics.Tco;

/// <summary>The tokens one deployment served over the observed window.</summary>
/// <param name="Deployment">The deployment's name as the request log has it.</param>
/// <param name="Hosting">Where the configuration says it runs, or <see langword="null"/> when the configuration does not name it.</param>
/// <param name="Requests">Requests that reported token counts.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
internal sealed record DeploymentUsage(string Deployment, Hosting? Hosting, long Requests, long InputTokens, long OutputTokens)
{
    /// <summary>Whether its tokens are billed by an API: external, or unknown to the configuration (counted as the dearer case).</summary>
    public bool IsExternal => Hosting is not Configuration.Hosting.SelfHosted;

    /// <summary>Input and output tokens.</summary>
    public long Tokens => InputTokens + OutputTokens;
}
