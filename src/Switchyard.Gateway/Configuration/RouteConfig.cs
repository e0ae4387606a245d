using System.Collections.Immutable;
using System.Globalization;

namespace Switchyard.Gateway.Configuration;

/// <summary>
/// A model name clients use (<c>routes.NAME:</c>), served by an ordered list of tiers. The shorthand
/// <c>deployments: [a, b]</c> is one single-deployment tier per deployment, tried in that order.
/// </summary>
public sealed record RouteConfig
{
    /// <summary>The route's name: what clients put in <c>model</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The shorthand form (<c>deployments</c>): each deployment is a tier of its own, in order.</summary>
    public ImmutableArray<string> Deployments { get; init; } = [];

    /// <summary>The tiers (<c>tiers</c>), in file order; empty when the route uses the <c>deployments</c> shorthand.</summary>
    public ImmutableArray<TierConfig> Tiers { get; init; } = [];

    /// <summary>Tags every request on this route carries (<c>tags</c>), in addition to the client's.</summary>
    public ImmutableArray<string> Tags { get; init; } = [];

    /// <summary>
    /// Whether the content classifier labels prompts (<c>classify</c>). <see langword="null"/>: on when a tier has a
    /// <c>when</c> rule, since only then can a label change anything.
    /// </summary>
    public bool? Classify { get; init; }

    /// <summary>Whether clients may pin a tier or deployment with a header (<c>allow_pinning</c>).</summary>
    public bool AllowPinning { get; init; }

    /// <summary>Every request on this route is confidential: never sent to an external deployment (<c>confidential</c>).</summary>
    public bool Confidential { get; init; }

    /// <summary>Whether the personal-data detector marks requests confidential (<c>detect_pii</c>).</summary>
    public bool DetectPii { get; init; } = true;

    /// <summary>
    /// Hedging (<c>hedge_after</c>): when the deployment called first has not sent its first token (for a non-streaming
    /// request, its whole answer) this long after the call, the next deployment of the plan is called too, and whichever
    /// answers first is kept; the other call is cancelled. At most one hedge per request. <see langword="null"/>: off.
    /// </summary>
    public TimeSpan? HedgeAfter { get; init; }

    /// <summary>The quality gate (<c>quality</c>): poor answers escalate to the next tier. <see langword="null"/>: off.</summary>
    public QualityConfig? Quality { get; init; }

    /// <summary>The learned router (<c>router</c>): requests the cheap tiers would likely fail skip ahead. <see langword="null"/>: off.</summary>
    public LearnedRouterConfig? Router { get; init; }

    /// <summary>
    /// What the route's answers are compared with (<c>baseline</c>): a deployment, or a model of the price catalog, whose
    /// price gives each request's counterfactual cost. <see langword="null"/>: the first deployment of the last tier.
    /// </summary>
    public string? Baseline { get; init; }

    /// <summary>Shadow traffic (<c>shadow</c>): a share of requests also sent to a candidate, compared. <see langword="null"/>: off.</summary>
    public ShadowConfig? Shadow { get; init; }

    /// <summary>The exact-match response cache (<c>cache</c>). <see langword="null"/>: nothing is cached.</summary>
    public RouteCacheConfig? Cache { get; init; }

    /// <summary>The tiers in file order, the shorthand expanded.</summary>
    public ImmutableArray<TierConfig> EffectiveTiers()
    {
        if (!Tiers.IsDefaultOrEmpty)
        {
            return Tiers;
        }

        var tiers = ImmutableArray.CreateBuilder<TierConfig>(Deployments.Length);
        for (var i = 0; i < Deployments.Length; i++)
        {
            tiers.Add(new TierConfig
            {
                Name = (i + 1).ToString(CultureInfo.InvariantCulture),
                Members = [new TierMemberConfig(Deployments[i], 1)],
            });
        }

        return tiers.MoveToImmutable();
    }
}
