using System.Collections.Frozen;
using System.Collections.Immutable;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Gateway.Routing;

/// <summary>
/// A route as the request path sees it: its tiers, and for every label the order they are tried in, computed once.
/// </summary>
/// <remarks>
/// Order for a request: the tiers whose <c>when</c> names one of its labels (file order), then the general tiers (file
/// order). A specialist tier that matches nothing is not tried. So a code prompt goes to the code fine-tune, then the
/// general open model, then the frontier API; any other prompt goes straight to the general open model.
/// </remarks>
internal sealed class Route
{
    private readonly FrozenDictionary<string, Tier[]> _orderByLabel;
    private readonly FrozenDictionary<string, Tier[]>.AlternateLookup<ReadOnlySpan<char>> _orderLookup;

    public Route(RouteConfig config, ImmutableArray<Tier> tiers)
    {
        Config = config;
        Name = config.Name;
        Tiers = tiers;
        foreach (var tier in tiers)
        {
            foreach (var deployment in tier.Members)
            {
                MaxEncodedModelLength = Math.Max(MaxEncodedModelLength, deployment.EncodedModel.Length);
            }
        }

        GeneralOrder = [.. tiers.Where(t => t.IsGeneral)];
        Labels = [.. tiers.SelectMany(t => t.When).Distinct(StringComparer.Ordinal)];
        _orderByLabel = Labels.ToFrozenDictionary(
            label => label,
            label => tiers.Where(t => t.When.Contains(label)).Concat(GeneralOrder).ToArray(),
            StringComparer.OrdinalIgnoreCase);
        _orderLookup = _orderByLabel.GetAlternateLookup<ReadOnlySpan<char>>();
        Classify = config.Classify ?? !Labels.IsEmpty;
        _tiersExternal = tiers.Any(t => t.Members.Any(d => d.IsExternal));
        SmallestWindow = tiers.SelectMany(t => t.Members).Min(d => d.Config.ContextWindow);
        Quality = config.Quality is { } quality ? new Quality.QualityGate(quality) : null;
        Learned = config.Router is { } learned ? LearnedRoute.Load(learned, tiers) : null;
    }

    /// <summary>The route's learned router, or <see langword="null"/>.</summary>
    public LearnedRoute? Learned { get; }

    /// <summary>
    /// The list price each answer is compared with when the configured <c>baseline</c> is a catalog model rather than a
    /// deployment (<see cref="BaselineDeployment"/>); <see langword="null"/> otherwise.
    /// </summary>
    public Economics.DeploymentPrice? BaselinePrice { get; init; }

    /// <summary>
    /// The deployment the route's answers are compared with (its <c>baseline</c>, or its last tier's first deployment):
    /// its price is read per request, since a measured price changes. <see langword="null"/> when the baseline is a
    /// catalog model (<see cref="BaselinePrice"/>).
    /// </summary>
    public Deployment? BaselineDeployment { get; init; }

    /// <summary>The route's quality gate, or <see langword="null"/> when its answers are not checked.</summary>
    public Quality.QualityGate? Quality { get; }

    /// <summary>The smallest context window of the route's deployments: below it, no window check can skip anything.</summary>
    public int SmallestWindow { get; }

    private readonly bool _tiersExternal;

    /// <summary>
    /// Whether some deployment the prompt may reach is external: a tier's, the shadow's candidate, or the quality gate's
    /// judge. Only then can confidentiality change where a request (or a copy of it) goes, so only then is the prompt
    /// scanned for personal data.
    /// </summary>
    public bool HasExternal => _tiersExternal || ShadowCandidate is { IsExternal: true } || Judge is { IsExternal: true };

    /// <summary>The deployment the quality gate's judge calls, or <see langword="null"/> (no judge, or an unknown name).</summary>
    public Deployment? Judge { get; init; }

    /// <summary>The deployment the route's shadow sends copies of its requests to, or <see langword="null"/>.</summary>
    public Deployment? ShadowCandidate { get; init; }

    public string Name { get; }

    public RouteConfig Config { get; }

    public ImmutableArray<Tier> Tiers { get; }

    /// <summary>The labels some tier's <c>when</c> names.</summary>
    public ImmutableArray<string> Labels { get; }

    /// <summary>The order for a request with no matching label: the general tiers.</summary>
    public Tier[] GeneralOrder { get; }

    /// <summary>Whether the content classifier runs for this route.</summary>
    public bool Classify { get; }

    /// <summary>The longest upstream model name of its deployments, encoded: sizes the buffer a forwarded body is spliced into.</summary>
    public int MaxEncodedModelLength { get; }

    /// <summary>Whether some tier is selected by <paramref name="label"/>.</summary>
    public bool Selects(ReadOnlySpan<char> label) => _orderLookup.ContainsKey(label);

    /// <summary>The tiers to try for a request carrying <paramref name="label"/> (or none: the general order).</summary>
    public Tier[] OrderFor(ReadOnlySpan<char> label) =>
        !label.IsEmpty && _orderLookup.TryGetValue(label, out var order) ? order : GeneralOrder;

    /// <summary>The tier named <paramref name="name"/>, for pinning.</summary>
    public Tier? FindTier(ReadOnlySpan<char> name)
    {
        foreach (var tier in Tiers)
        {
            if (name.Equals(tier.Name, StringComparison.OrdinalIgnoreCase))
            {
                return tier;
            }
        }

        return null;
    }
}
