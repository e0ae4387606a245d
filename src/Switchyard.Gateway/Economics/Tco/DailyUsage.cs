namespace Switchyard.Gateway.Economics.Tco;

/// <summary>The tokens of one UTC day, split by where they were served.</summary>
/// <param name="Day">The UTC date.</param>
/// <param name="ExternalTokens">Input and output tokens of external deployments (and of deployments the configuration does not name).</param>
/// <param name="SelfHostedTokens">Input and output tokens of self-hosted deployments.</param>
internal sealed record DailyUsage(DateOnly Day, long ExternalTokens, long SelfHostedTokens);
