using System.Globalization;

namespace Switchyard.Registry.Licenses;

/// <summary>
/// Decides whether an organisation may use a model under its licence, and what it must do: governance section 4.3 as code.
/// </summary>
/// <remarks>
/// <code>
/// chain (model, base, base's base...) ──► per link: catalog.Resolve(license, license_name) + catalog.FindModel(id)
///   per link, in this order:
///     identity   unknown-license (NeedsReview) · expected-license (card ≠ table) · license-mismatch (link ≠ its base)
///                · derivative-naming (a base requires a name prefix the link lacks)
///     class      permissive-license (Allowed) · community-license (NeedsReview) · non-commercial (Forbidden for a
///                commercial profile, NeedsReview for pure research/evaluation)
///     terms      needs-verification · mau-threshold · revenue-threshold · eu-multimodal/region-restriction
///                · output-training (profiles that train on outputs or distil) · remote-revocation
///     duties     notice, license-copy, attribution, acceptable-use, flow-down, ... (union along the chain, deduplicated)
/// verdict = worst clause (Allowed &lt; NeedsReview &lt; Forbidden)
/// </code>
/// A pure function: the same chain, profile and catalog give the same clauses and obligations in the same order.
/// Nothing unknown is ever allowed: a link whose licence the catalog does not know is at least NeedsReview.
/// </remarks>
public static class LicensePolicy
{
    /// <summary>Evaluates <paramref name="chain"/> (the model first, then its bases) against <paramref name="profile"/>.</summary>
    /// <param name="chain">The model and its base chain; at least one link.</param>
    /// <param name="profile">What the organisation is and does.</param>
    /// <param name="catalog">The licences to resolve against; <see cref="LicenseCatalog.Default"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="chain"/> is empty.</exception>
    public static LicenseVerdict Evaluate(IReadOnlyList<LicenseSubject> chain, OrganisationProfile profile, LicenseCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(profile);
        if (chain.Count == 0)
        {
            throw new ArgumentException("A licence check needs at least the model itself in its chain.", nameof(chain));
        }

        catalog ??= LicenseCatalog.Default;
        var usage = new Usage(profile);
        var links = new Link[chain.Count];
        for (var i = 0; i < chain.Count; i++)
        {
            links[i] = Link.Resolve(chain[i], catalog);
        }

        var state = new Accumulator();
        for (var i = 0; i < links.Length; i++)
        {
            var link = links[i];
            CheckIdentity(links, i, state);
            if (link.Terms is { } terms)
            {
                CheckClass(link, terms, usage, state);
                CheckVerification(link, terms, state);
                CheckThresholds(link, terms, usage, state);
                CheckRegions(link, terms, usage, state);
                CheckOutputUse(link, terms, usage, state);
                if (terms.RemoteRevocation)
                {
                    state.Clause(LicenseCodes.RemoteRevocation, link, LicenseOutcome.NeedsReview,
                        $"{link.Id} is under the {Named(terms)}, under which {Licensor(terms)} reserves the right to restrict use remotely or otherwise: keep a fallback route for it.");
                }

                AddStandingObligations(terms, usage, state);
            }
        }

        return LicenseVerdict.From(state.Clauses, state.Obligations);
    }

    /// <summary>
    /// Evaluates every path of a model's base graph (the model first on each) and unites the results: every clause of every
    /// path, and the obligations along every path, each once in the order first met. A merge of a permissive and a
    /// non-commercial base is then forbidden to a commercial organisation, as its second base is.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="paths"/> or one of its paths is empty.</exception>
    public static LicenseVerdict EvaluateGraph(IReadOnlyList<IReadOnlyList<LicenseSubject>> paths, OrganisationProfile profile, LicenseCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("A licence check needs at least one path, the model itself.", nameof(paths));
        }

        var clauses = new List<LicenseClause>();
        var obligations = new List<LicenseObligation>();
        var (seenClauses, seenObligations) = (new HashSet<LicenseClause>(), new HashSet<LicenseObligation>());
        foreach (var path in paths)
        {
            var verdict = Evaluate(path, profile, catalog);
            clauses.AddRange(verdict.Clauses.Where(seenClauses.Add));
            obligations.AddRange(verdict.Obligations.Where(seenObligations.Add));
        }

        return LicenseVerdict.From(clauses, obligations);
    }

    private static void CheckIdentity(Link[] links, int index, Accumulator state)
    {
        var link = links[index];
        if (link.Declared is null)
        {
            var inferred = link.Terms is { } table
                ? $"; the policy table lists it under the {Named(table)}, whose terms are checked too"
                : "";
            state.Clause(LicenseCodes.UnknownLicense, link, LicenseOutcome.NeedsReview,
                $"{link.Id} declares {DescribeDeclared(link.Subject)}, which the catalog does not know, so it is never approved without review{inferred}.");
        }
        else if (link.Rule is { } rule && link.RuleTerms is { } expected && expected.Id != link.Declared.Id)
        {
            state.Clause(LicenseCodes.ExpectedLicense, link, LicenseOutcome.NeedsReview,
                $"{link.Id} declares the {Named(link.Declared)}, but the policy table lists models matching {rule.Pattern} under the {Named(expected)} ({rule.Source}): legal decides which applies.");
        }

        if (index + 1 < links.Length && link.Terms is { } mine && links[index + 1].Terms is { } theirs && mine.Id != theirs.Id)
        {
            var baseLink = links[index + 1];
            if (mine.Class == LicenseClass.Permissive && theirs.Class == LicenseClass.Permissive)
            {
                state.Clause(LicenseCodes.LicenseMismatch, link, LicenseOutcome.Allowed,
                    $"{link.Id} declares the {Named(mine)} while its base {baseLink.Id} is under the {Named(theirs)}; both are permissive, and the base's obligations still apply.");
            }
            else
            {
                state.Clause(LicenseCodes.LicenseMismatch, link, LicenseOutcome.NeedsReview,
                    $"{link.Id} declares the {Named(mine)} while its base {baseLink.Id} is under the {Named(theirs)}; a derivative carries its base's terms, so legal checks which licence governs it.");
            }
        }

        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        for (var j = index + 1; j < links.Length; j++)
        {
            if (links[j].Terms is not { DerivativeNamePrefix: { } prefix } baseTerms || !prefixes.Add(prefix))
            {
                continue;
            }

            var name = link.Name;
            if (LicenseCatalog.Key(name).StartsWith(LicenseCatalog.Key(prefix), StringComparison.Ordinal) || SameOwner(link.Id, links[j].Id))
            {
                continue;
            }

            state.Clause(LicenseCodes.DerivativeNaming, link, LicenseOutcome.NeedsReview,
                $"{link.Id} derives from {links[j].Id} under the {Named(baseTerms)}, which requires \"{prefix}\" at the beginning of a derivative's name, and its name \"{name}\" does not start with it.");
            state.Obligation(LicenseCodes.DerivativeNaming, baseTerms,
                $"Serve {link.Id} under a public model name that starts with \"{prefix}\" (the route's model alias), as the {baseTerms.Name} requires of derivatives.");
        }
    }

    private static void CheckClass(Link link, LicenseTerms terms, Usage usage, Accumulator state)
    {
        switch (terms.Class)
        {
            case LicenseClass.Permissive:
                state.Clause(LicenseCodes.PermissiveLicense, link, LicenseOutcome.Allowed,
                    $"{link.Id} is under the {Named(terms)}, a permissive licence that allows commercial use; its notice obligations apply.");
                break;
            case LicenseClass.CommunityCommercial:
                state.Clause(LicenseCodes.CommunityLicense, link, LicenseOutcome.NeedsReview,
                    $"{link.Id} is under the {Named(terms)}, a community licence that allows commercial use on conditions, so legal approves each family and version before use.");
                break;
            case LicenseClass.NonCommercial when usage.Commercial:
                state.Clause(LicenseCodes.NonCommercial, link, LicenseOutcome.Forbidden,
                    $"{link.Id} is under the {Named(terms)}, which allows {terms.PermittedUse ?? "non-commercial use only"}, and the organisation's profile says {usage.Description}{usage.CommercialBecause}.");
                break;
            case LicenseClass.NonCommercial:
                state.Clause(LicenseCodes.NonCommercial, link, LicenseOutcome.NeedsReview,
                    $"{link.Id} is under the {Named(terms)}, which allows {terms.PermittedUse ?? "non-commercial use only"}, and the organisation's profile says {usage.Description}: a research sandbox only, once legal confirms the use fits the licence.");
                break;
            default:
                state.Clause(LicenseCodes.UnknownLicense, link, LicenseOutcome.NeedsReview,
                    $"{link.Id} is under the {Named(terms)}, which the catalog does not classify, so it is never approved without review.");
                break;
        }
    }

    private static void CheckVerification(Link link, LicenseTerms terms, Accumulator state)
    {
        if (terms.NeedsLegalVerification)
        {
            state.Clause(LicenseCodes.NeedsVerification, link, LicenseOutcome.NeedsReview,
                $"{link.Id} is under the {Named(terms)}, which needs legal verification. {terms.VerificationNote ?? "The policy table marks it verify."}");
        }

        if (link.Rule is { NeedsLegalVerification: true } rule)
        {
            state.Clause(LicenseCodes.NeedsVerification, link, LicenseOutcome.NeedsReview,
                $"{link.Id} matches the policy table row {rule.Pattern}, which needs legal verification. {rule.VerificationNote ?? "The policy table marks it verify."}");
        }
    }

    private static void CheckThresholds(Link link, LicenseTerms terms, Usage usage, Accumulator state)
    {
        var profile = usage.Profile;
        if (terms.MonthlyActiveUserThreshold is { } users)
        {
            var note = terms.ThresholdNote is { } n ? $" ({n})" : "";
            var threshold = $"{Count(users)} monthly active users{note}";
            var actual = $"{Count(profile.MonthlyActiveUsers)} monthly active users";
            // At or above: the licences say "greater than"; the boundary itself is treated as crossed (fail closed).
            if (profile.MonthlyActiveUsers >= users)
            {
                Crossed(LicenseCodes.MauThreshold, link, terms, threshold, actual, state);
            }
            else
            {
                state.Clause(LicenseCodes.MauThreshold, link, LicenseOutcome.Allowed,
                    $"{link.Id} is under the {Named(terms)}, whose threshold is {threshold}, and the organisation's profile says {actual}, below it.");
            }
        }

        if (terms.MonthlyRevenueThresholdUsd is { } revenue)
        {
            var threshold = $"{Usd(revenue)} monthly revenue";
            if (profile.MonthlyRevenueUsd is not { } actual)
            {
                var assumed = terms.ThresholdEffect == ThresholdEffect.AddsObligation ? "; its duty is assumed meanwhile" : "";
                state.Clause(LicenseCodes.RevenueThreshold, link, LicenseOutcome.NeedsReview,
                    $"{link.Id} is under the {Named(terms)}, whose threshold is {threshold}, and the organisation's profile states no monthly revenue: legal checks it{assumed}.");
                if (terms.ThresholdEffect == ThresholdEffect.AddsObligation && terms.ThresholdObligation is { } duty)
                {
                    state.Obligation(LicenseCodes.Attribution, terms, duty);
                }
            }
            else if (actual >= revenue)
            {
                Crossed(LicenseCodes.RevenueThreshold, link, terms, threshold, $"{Usd(actual)} monthly revenue", state);
            }
            else
            {
                state.Clause(LicenseCodes.RevenueThreshold, link, LicenseOutcome.Allowed,
                    $"{link.Id} is under the {Named(terms)}, whose threshold is {threshold}, and the organisation's profile says {Usd(actual)}, below it.");
            }
        }
    }

    private static void Crossed(string code, Link link, LicenseTerms terms, string threshold, string actual, Accumulator state)
    {
        if (terms.ThresholdEffect == ThresholdEffect.AddsObligation && terms.ThresholdObligation is { } duty)
        {
            state.Clause(code, link, LicenseOutcome.Allowed,
                $"{link.Id} is under the {Named(terms)}, which adds a duty at {threshold} or more, and the organisation's profile says {actual}: {Lower(duty)}");
            state.Obligation(LicenseCodes.Attribution, terms, duty);
            return;
        }

        state.Clause(code, link, LicenseOutcome.Forbidden,
            $"{link.Id} is under the {Named(terms)}, which grants no rights at {threshold} or more, and the organisation's profile says {actual}: it needs a separate licence from {Licensor(terms)}.");
    }

    private static void CheckRegions(Link link, LicenseTerms terms, Usage usage, Accumulator state)
    {
        if (terms.RestrictedRegions.Count == 0)
        {
            return;
        }

        var matched = usage.Profile.Regions
            .Where(region => terms.RestrictedRegions.Any(restricted => EuMemberStates.Covers(restricted, region)))
            .ToArray();
        if (matched.Length == 0)
        {
            return;
        }

        var restrictedList = string.Join(", ", terms.RestrictedRegions);
        var regions = string.Join(", ", matched);
        if (!terms.RegionRestrictionOnlyMultimodal)
        {
            state.Clause(LicenseCodes.RegionRestriction, link, LicenseOutcome.Forbidden,
                $"{link.Id} is under the {Named(terms)}, which grants no rights to organisations in {restrictedList}, and the organisation's profile lists {regions}.");
        }
        else if (link.Subject.Multimodal || terms.AlwaysMultimodal)
        {
            var why = terms.AlwaysMultimodal && !link.Subject.Multimodal ? " (every model under this licence is)" : "";
            state.Clause(LicenseCodes.EuMultimodal, link, LicenseOutcome.Forbidden,
                $"{link.Id} is a multimodal model{why} under the {Named(terms)}, which grants no rights for multimodal models to individuals or companies domiciled in the {restrictedList} (end users of a product are not affected), and the organisation's profile lists {regions}.");
        }
        else
        {
            state.Clause(LicenseCodes.EuMultimodal, link, LicenseOutcome.Allowed,
                $"{link.Id} is a text-only model under the {Named(terms)}, whose {restrictedList} restriction covers multimodal models only, so the organisation's regions ({regions}) do not matter.");
        }
    }

    private static void CheckOutputUse(Link link, LicenseTerms terms, Usage usage, Accumulator state)
    {
        if (!usage.TrainsOnOutputs)
        {
            return;
        }

        var says = $"the organisation's profile lists {usage.TrainingDescription} among its uses";
        switch (terms.OutputUse)
        {
            case OutputUse.NotRecorded:
                state.Clause(LicenseCodes.OutputTraining, link, LicenseOutcome.NeedsReview,
                    $"{link.Id} is under the {Named(terms)}, whose terms on training with its outputs the catalog does not record, and {says}: legal checks the licence.");
                break;
            case OutputUse.MayNotImproveOtherModels:
                state.Clause(LicenseCodes.OutputTraining, link, LicenseOutcome.Forbidden,
                    $"{link.Id} is under the {Named(terms)}, which forbids using its outputs to improve any other large language model (§1.b.v), and {says}.");
                break;
            case OutputUse.TrainedModelsMustAttribute:
                state.Clause(LicenseCodes.OutputTraining, link, LicenseOutcome.Allowed,
                    $"{link.Id} is under the {Named(terms)}, which allows training other models on its outputs if they carry its name or attribution, and {says}.");
                break;
            case OutputUse.DerivativesInheritLicense:
                state.Clause(LicenseCodes.OutputTraining, link, LicenseOutcome.Allowed,
                    $"{link.Id} is under the {Named(terms)}, under which models trained on its outputs or distilled from it are derivatives bound by the same terms, and {says}.");
                state.Obligation(LicenseCodes.FlowDown, terms,
                    $"Models trained on the outputs of, or distilled from, a model under the {terms.Name} are derivatives under it: distribute them only under its use restrictions, passed on to their users.");
                break;
            case OutputUse.ResearchOnly when usage.Commercial:
                state.Clause(LicenseCodes.OutputTraining, link, LicenseOutcome.Forbidden,
                    $"{link.Id} is under the {Named(terms)}, which limits its outputs and derivatives to research too, and {says} ({usage.Description}).");
                break;
            case OutputUse.ResearchOnly:
                state.Clause(LicenseCodes.OutputTraining, link, LicenseOutcome.NeedsReview,
                    $"{link.Id} is under the {Named(terms)}, which limits its outputs and derivatives to research too, and {says} ({usage.Description}): the resulting models stay research-only.");
                break;
            default:
                break;
        }
    }

    private static void AddStandingObligations(LicenseTerms terms, Usage usage, Accumulator state)
    {
        if (terms.NoticeText is { } notice)
        {
            state.Obligation(LicenseCodes.Notice, terms, $"{terms.NoticeRequirement ?? "Include the notice"}: \"{notice}\"");
        }
        else if (terms.NoticeRequirement is { } requirement)
        {
            state.Obligation(LicenseCodes.Notice, terms, requirement);
        }

        if (terms.RequiresLicenseCopy)
        {
            state.Obligation(LicenseCodes.LicenseCopy, terms, $"Give every recipient a copy of the {terms.Name}.");
        }

        if (terms.DisplayRequirement is { } display)
        {
            var quoted = display.Contains('"', StringComparison.Ordinal) ? display : $"\"{display}\"";
            if (!terms.DisplayOnlyForTrainedModels)
            {
                state.Obligation(LicenseCodes.Attribution, terms,
                    $"Display {quoted} prominently on a related website, user interface, blog post, about page or product documentation.");
            }
            else if (usage.CreatesDerivatives)
            {
                state.Obligation(LicenseCodes.Attribution, terms,
                    $"Display {quoted} prominently in the documentation of every model built, trained or improved with {terms.Name} material or its outputs that you distribute or make available.");
            }
        }

        if (terms.DerivativeNamePrefix is { } prefix && usage.CreatesDerivatives)
        {
            state.Obligation(LicenseCodes.DerivativeNaming, terms,
                $"Start the name of every model you derive from {terms.Name} material (fine-tunes, and models trained on its outputs) with \"{prefix}\".");
        }

        if (terms.AcceptableUsePolicyUrl is { } aup)
        {
            state.Obligation(LicenseCodes.AcceptableUse, terms,
                $"Comply with the acceptable use policy at {aup}, which the licence incorporates, and bind your users to it; record its SHA-256 with the approval.");
        }

        if (terms.FlowDownRequired)
        {
            state.Obligation(LicenseCodes.FlowDown, terms, terms.FlowDownText ?? $"Pass the use restrictions of the {terms.Name} on to recipients and users.");
        }

        foreach (var extra in terms.AdditionalObligations)
        {
            state.Obligation(extra.Code, terms, extra.Text);
        }
    }

    private static string Named(LicenseTerms terms) => $"{terms.Name} ({terms.Id})";

    private static string Licensor(LicenseTerms terms) => terms.Licensor ?? "the licensor";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Usd(decimal value) => "US$" + value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Lower(string sentence) =>
        sentence.Length == 0 ? sentence : char.ToLowerInvariant(sentence[0]) + sentence[1..];

    private static bool SameOwner(string derivative, string baseModel)
    {
        var a = derivative.IndexOf('/', StringComparison.Ordinal);
        var b = baseModel.IndexOf('/', StringComparison.Ordinal);
        return a > 0 && b > 0 && derivative.AsSpan(0, a).Equals(baseModel.AsSpan(0, b), StringComparison.OrdinalIgnoreCase);
    }

    private static string DescribeDeclared(LicenseSubject subject)
    {
        var license = string.IsNullOrWhiteSpace(subject.LicenseId) ? null : subject.LicenseId.Trim();
        var name = string.IsNullOrWhiteSpace(subject.LicenseName) ? null : subject.LicenseName.Trim();
        return (license, name) switch
        {
            (null, null) => "no licence",
            (null, { } n) => $"only license_name '{n}'",
            ({ } l, null) => $"license '{l}'",
            ({ } l, { } n) => $"license '{l}' with license_name '{n}'",
        };
    }

    /// <summary>One link of the chain with what the catalog makes of it.</summary>
    private sealed record Link(LicenseSubject Subject, LicenseTerms? Declared, ModelLicenseRule? Rule, LicenseTerms? RuleTerms)
    {
        public static Link Resolve(LicenseSubject subject, LicenseCatalog catalog)
        {
            ArgumentNullException.ThrowIfNull(subject);
            var rule = catalog.FindModel(subject.ModelId);
            return new Link(subject, catalog.Resolve(subject.LicenseId, subject.LicenseName), rule, rule is null ? null : catalog.Get(rule.LicenseId));
        }

        public string Id => Subject.ModelId;

        /// <summary>The terms checked: the declared licence, or the policy table's when the card declares none the catalog knows.</summary>
        public LicenseTerms? Terms => Declared ?? RuleTerms;

        public string Name
        {
            get
            {
                if (!string.IsNullOrWhiteSpace(Subject.ModelName))
                {
                    return Subject.ModelName.Trim();
                }

                var slash = Subject.ModelId.LastIndexOf('/');
                return slash >= 0 ? Subject.ModelId[(slash + 1)..] : Subject.ModelId;
            }
        }
    }

    /// <summary>What the profile means for the checks.</summary>
    private sealed class Usage
    {
        public Usage(OrganisationProfile profile)
        {
            Profile = profile;
            var uses = profile.IntendedUses.Distinct().Order().ToArray();
            var productive = uses.Contains(IntendedUse.Production) || uses.Contains(IntendedUse.Internal);
            Commercial = profile.CommercialUse || productive;
            TrainsOnOutputs = uses.Contains(IntendedUse.TrainingOnOutputs) || uses.Contains(IntendedUse.Distillation);
            CreatesDerivatives = TrainsOnOutputs || uses.Contains(IntendedUse.FineTuning);
            var words = uses.Length == 0 ? "no stated" : Join(uses.Select(Word));
            Description = $"{(profile.CommercialUse ? "commercial" : "non-commercial")} {words} use";
            CommercialBecause = !profile.CommercialUse && productive ? " (production and internal use count as commercial)" : "";
            TrainingDescription = Join(uses.Where(u => u is IntendedUse.TrainingOnOutputs or IntendedUse.Distillation).Select(Word));
        }

        public OrganisationProfile Profile { get; }
        public bool Commercial { get; }
        public bool TrainsOnOutputs { get; }
        public bool CreatesDerivatives { get; }
        public string Description { get; }
        public string CommercialBecause { get; }
        public string TrainingDescription { get; }

        private static string Word(IntendedUse use) => use switch
        {
            IntendedUse.Production => "production",
            IntendedUse.Internal => "internal",
            IntendedUse.Research => "research",
            IntendedUse.Evaluation => "evaluation",
            IntendedUse.TrainingOnOutputs => "training on outputs",
            IntendedUse.Distillation => "distillation",
            IntendedUse.FineTuning => "fine-tuning",
            _ => use.ToString().ToLowerInvariant(),
        };

        private static string Join(IEnumerable<string> words)
        {
            var list = words.ToList();
            return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list[..^1]) + " and " + list[^1];
        }
    }

    /// <summary>Clauses in the order made; obligations in the order first met, each once.</summary>
    private sealed class Accumulator
    {
        private readonly HashSet<LicenseObligation> _seen = [];

        public List<LicenseClause> Clauses { get; } = [];
        public List<LicenseObligation> Obligations { get; } = [];

        public void Clause(string code, Link link, LicenseOutcome outcome, string reason) =>
            Clauses.Add(new LicenseClause(code, link.Id, link.Terms?.Id, outcome, reason));

        public void Obligation(string code, LicenseTerms terms, string text)
        {
            var obligation = new LicenseObligation(code, terms.Id, text);
            if (_seen.Add(obligation))
            {
                Obligations.Add(obligation);
            }
        }
    }
}
