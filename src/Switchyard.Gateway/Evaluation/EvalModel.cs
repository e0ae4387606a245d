using System.Diagnostics.CodeAnalysis;

namespace Switchyard.Gateway.Evaluation;

/// <summary>
/// A model as <c>switchyard eval run --models</c> names it: a route of the gateway (<c>chat</c>: whatever the route's
/// tiers, rules and failover choose), or a deployment pinned within a route (<c>chat@llama-70b</c>: sent with
/// <c>x-switchyard-deployment</c>, which the route must allow with <c>allow_pinning: true</c>).
/// </summary>
/// <param name="Route">The route: the request's <c>model</c>.</param>
/// <param name="Deployment">The pinned deployment, or <see langword="null"/>.</param>
internal sealed record EvalModel(string Route, string? Deployment)
{
    /// <summary>As given: <c>route</c> or <c>route@deployment</c>.</summary>
    public string Name => Deployment is null ? Route : Route + "@" + Deployment;

    public override string ToString() => Name;

    /// <summary>Reads <c>route</c> or <c>route@deployment</c>; the problem in <paramref name="error"/> when it is neither.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out EvalModel? model, [NotNullWhen(false)] out string? error)
    {
        model = null;
        var trimmed = text.Trim();
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        var route = at < 0 ? trimmed : trimmed[..at];
        var deployment = at < 0 ? null : trimmed[(at + 1)..];
        if (route.Length == 0 || deployment is { Length: 0 } || (deployment?.Contains('@', StringComparison.Ordinal) ?? false))
        {
            error = $"'{text}' is not a model: give a route (chat) or a deployment pinned within a route (chat@llama-70b).";
            return false;
        }

        if (route.Any(char.IsWhiteSpace) || (deployment?.Any(char.IsWhiteSpace) ?? false))
        {
            error = $"'{text}' has a space in it: routes and deployments are single words (chat, chat@llama-70b).";
            return false;
        }

        model = new EvalModel(route, deployment);
        error = null;
        return true;
    }
}
