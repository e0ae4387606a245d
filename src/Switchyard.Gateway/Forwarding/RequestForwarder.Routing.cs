using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

internal sealed partial class RequestForwarder
{
    /// <summary>Request header: tags for the routing rules, comma-separated (<c>code, team-a</c>).</summary>
    public const string TagsHeader = "x-switchyard-tags";

    /// <summary>Request header: pin a tier (where the route allows pinning); response header: the tier that answered.</summary>
    public const string TierHeader = "x-switchyard-tier";

    /// <summary>Request header: pin a deployment (where the route allows pinning); response header: the deployment that answered.</summary>
    public const string DeploymentHeader = "x-switchyard-deployment";

    /// <summary>Request header: <c>true</c> marks the request confidential; response header: why it was.</summary>
    public const string ConfidentialHeader = "x-switchyard-confidential";

    /// <summary>Response header: which rule chose the first tier (<c>tag:code</c>, <c>classifier:legal</c>, <c>pinned</c>, <c>default</c>).</summary>
    public const string RuleHeader = "x-switchyard-rule";

    /// <summary>Response header: what the content classifier found and why (<c>code score=7.5 (terms: ...) threshold=3</c>).</summary>
    public const string ClassificationHeader = "x-switchyard-classification";

    /// <summary>Response header: the learned router's estimate that the cheap tiers fail, against its threshold.</summary>
    public const string RouterHeader = "x-switchyard-router";

    /// <summary>What the request cost in US dollars, at the price book's prices (answers whose usage is known before they are sent).</summary>
    public const string CostHeader = "x-switchyard-cost";

    /// <summary>Present (<c>true</c>) when the upstream reported no usage and the cost is the gateway's estimate.</summary>
    public const string CostEstimatedHeader = "x-switchyard-cost-estimated";

    /// <summary>A cost in dollars as the header writes it: a plain decimal, at most 8 places (<c>0.00123</c>).</summary>
    internal static string FormatCost(double dollars) => dollars.ToString("0.########", CultureInfo.InvariantCulture);

    /// <summary>Response header: why the answer did not come from the first deployment planned.</summary>
    public const string FallbackReasonHeader = "x-switchyard-fallback-reason";

    /// <summary>Decides which tiers to try and under which constraints, from the headers, the body and the route.</summary>
    internal static bool TryDecide(HttpContext context, ReadOnlySpan<byte> body, in ParsedRequest parsed, EndpointKind endpoint, RouteTable table, Route route, out RoutingDecision decision, out ApiError error)
    {
        decision = default;
        error = default;
        var headers = context.Request.Headers;

        // Pinning: a tier or a deployment named by the client, only where the route allows it.
        var pinTier = headers[TierHeader];
        var pinDeployment = headers[DeploymentHeader];
        if (!StringValues.IsNullOrEmpty(pinTier) || !StringValues.IsNullOrEmpty(pinDeployment))
        {
            var which = StringValues.IsNullOrEmpty(pinTier) ? DeploymentHeader : TierHeader;
            if (!route.Config.AllowPinning)
            {
                error = new ApiError(StatusCodes.Status400BadRequest, ApiError.InvalidRequest,
                    $"The route '{route.Name}' does not allow pinning, so the {which} header cannot be used. Remove the header, or set allow_pinning: true on routes.{route.Name}.",
                    which, "pinning_not_allowed");
                return false;
            }

            if (!StringValues.IsNullOrEmpty(pinTier))
            {
                var tier = route.FindTier(pinTier.ToString().AsSpan().Trim());
                if (tier is null)
                {
                    error = new ApiError(StatusCodes.Status400BadRequest, ApiError.InvalidRequest,
                        $"The route '{route.Name}' has no tier '{pinTier}'. Its tiers: {string.Join(", ", route.Tiers.Select(t => t.Name))}.",
                        TierHeader, "unknown_tier");
                    return false;
                }

                decision.Order = [tier];
                decision.Rule = "pinned";
            }

            if (!StringValues.IsNullOrEmpty(pinDeployment))
            {
                var name = pinDeployment.ToString().Trim();
                foreach (var tier in decision.Order ?? route.Tiers.AsSpan().ToArray())
                {
                    foreach (var member in tier.Members)
                    {
                        if (member.Name == name)
                        {
                            decision.PinnedDeployment = member;
                            decision.Order = [tier];
                        }
                    }
                }

                if (decision.PinnedDeployment is null)
                {
                    error = new ApiError(StatusCodes.Status400BadRequest, ApiError.InvalidRequest,
                        $"The deployment '{name}' does not serve route '{route.Name}'{(StringValues.IsNullOrEmpty(pinTier) ? "" : $" in tier '{pinTier}'")}. Its deployments: {string.Join(", ", route.Tiers.SelectMany(t => t.Members).Select(d => d.Name))}.",
                        DeploymentHeader, "unknown_deployment");
                    return false;
                }

                decision.Rule = "pinned";
            }
        }

        // Confidentiality: the route, the key, the client's header, or (below) the personal-data detector.
        if (route.Config.Confidential)
        {
            decision.Confidential = "route";
        }
        else if (Auth.ClientAuthentication.Key(context) is { Confidential: true })
        {
            decision.Confidential = "key";
        }
        else if (headers[ConfidentialHeader] is { Count: > 0 } flag)
        {
            var text = flag.ToString().AsSpan().Trim();
            if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("1", StringComparison.Ordinal))
            {
                decision.Confidential = "header";
            }
            else if (!text.Equals("false", StringComparison.OrdinalIgnoreCase) && !text.Equals("0", StringComparison.Ordinal))
            {
                error = new ApiError(StatusCodes.Status400BadRequest, ApiError.InvalidRequest,
                    $"The {ConfidentialHeader} header must be true or false, but it is '{flag}'.", ConfidentialHeader, "invalid_header");
                return false;
            }
        }

        // The prompt's text is read only when a rule needs it: the classifier (no tag chose a tier) or the personal-data
        // detector (the request is not already confidential, and the route could send it outside).
        var scanPii = decision.Confidential is null && route.Config.DetectPii && route.HasExternal && table.Pii is not null;
        if (decision.Order is not null)
        {
            if (scanPii)
            {
                InspectContent(body, endpoint, table, route, classify: false, scanPii: true, ref decision);
            }

            return true;
        }

        // Tags that select a tier: the header's, then the body's metadata.tags, then the key's defaults, then the route's own.
        if (headers[TagsHeader] is { Count: > 0 } tagHeader && FirstSelecting(route, tagHeader.ToString()) is { } fromHeader)
        {
            decision.Label = fromHeader;
            decision.Rule = "tag";
        }
        else if (parsed.MetadataLength > 0 && FirstSelectingInMetadata(route, body.Slice(parsed.MetadataStart, parsed.MetadataLength)) is { } fromMetadata)
        {
            decision.Label = fromMetadata;
            decision.Rule = "metadata";
        }
        else if (Auth.ClientAuthentication.Key(context) is { Tags.Count: > 0 } tagged
            && FirstSelecting(route, string.Join(',', tagged.Tags)) is { } fromKey)
        {
            decision.Label = fromKey;
            decision.Rule = "key";
        }
        else
        {
            foreach (var tag in route.Config.Tags)
            {
                if (route.Selects(tag))
                {
                    decision.Label = tag;
                    decision.Rule = "route";
                    break;
                }
            }
        }

        var classify = decision.Label is null && route.Classify;
        if (classify || scanPii)
        {
            InspectContent(body, endpoint, table, route, classify, scanPii, ref decision);
        }

        decision.Order = route.OrderFor(decision.Label);
        decision.Rule ??= "default";
        if (route.Learned is { } learned && decision.Confidential is null)
        {
            // A confidential request stays on the plan the rules made: the router's target is usually external.
            ApplyRouter(context, body, parsed, endpoint, route, learned, ref decision);
        }

        return true;
    }

    /// <summary>Asks the learned router how likely the cheap tiers are to fail; at or above its threshold, starts further on.</summary>
    private static void ApplyRouter(HttpContext context, ReadOnlySpan<byte> body, in ParsedRequest parsed, EndpointKind endpoint, Route route, Routing.Learned.LearnedRoute learned, ref RoutingDecision decision)
    {
        Span<char> text = stackalloc char[RouterPrompt.MaxChars];
        var written = RouterPrompt.Extract(body, endpoint, text);
        Span<char> tags = stackalloc char[RouterTags.MaxChars];
        var tagged = RouterTags.Write(context, body.Slice(parsed.MetadataStart, parsed.MetadataLength), route, decision.Label, tags);
        var probability = learned.Router.Predict(text[..written], tags[..tagged]);
        decision.RouterScore = probability;
        if (probability >= learned.Threshold)
        {
            decision.Order = learned.Order;
            decision.Rule = "router";
        }
    }

    /// <summary>Size of the stack buffer for a prompt's text; longer prompts rent one.</summary>
    private const int StackPromptChars = 4096;

    /// <summary>Classifies the prompt (the first <c>scan_chars</c>) and scans all of it for personal data.</summary>
    private static void InspectContent(ReadOnlySpan<byte> body, EndpointKind endpoint, RouteTable table, Route route, bool classify, bool scanPii, ref RoutingDecision decision)
    {
        // Personal data anywhere in the prompt counts, so the detector reads all of it (text is never longer than the
        // JSON it came from); the classifier needs only its first scan_chars.
        var needed = scanPii ? body.Length : Math.Min(body.Length, table.ClassifierScanChars);
        char[]? rented = null;
        var buffer = needed <= StackPromptChars ? stackalloc char[StackPromptChars] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(needed));
        try
        {
            var written = Routing.Content.PromptText.Extract(body, endpoint, buffer[..needed], out _);
            var text = buffer[..written];
            if (classify)
            {
                var classification = table.Classifier.Classify(text[..Math.Min(text.Length, table.ClassifierScanChars)]);
                decision.Explanation = classification.Explain();
                if (classification.Label != Routing.Content.PromptClassifier.General && route.Selects(classification.Label))
                {
                    decision.Label = classification.Label;
                    decision.Rule = "classifier";
                }
            }

            if (scanPii && table.Pii!.Scan(text) is { Any: true } found)
            {
                // The kinds and counts of personal data, never the data itself.
                decision.Confidential = "pii: " + found.Describe();
            }
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The first comma-separated tag in <paramref name="tags"/> that selects a tier of the route.</summary>
    private static string? FirstSelecting(Route route, ReadOnlySpan<char> tags)
    {
        foreach (var range in tags.Split(','))
        {
            var tag = tags[range].Trim();
            if (!tag.IsEmpty && route.Selects(tag))
            {
                foreach (var label in route.Labels)
                {
                    if (tag.Equals(label, StringComparison.OrdinalIgnoreCase))
                    {
                        return label;
                    }
                }
            }
        }

        return null;
    }

    /// <summary><c>metadata.tags</c> (OpenAI's metadata values are strings): comma-separated tags.</summary>
    private static string? FirstSelectingInMetadata(Route route, ReadOnlySpan<byte> metadata)
    {
        Span<char> buffer = stackalloc char[RouterTags.MaxMetadataChars];
        var written = RouterTags.MetadataTags(metadata, buffer);
        return written < 0 ? null : FirstSelecting(route, buffer[..written]);
    }

    /// <summary>
    /// The members of <paramref name="tier"/> that may be tried now, as a bit mask; those passed over for good are added
    /// to <paramref name="tried"/> and recorded with the reason.
    /// </summary>
    private static ulong Eligible(Tier tier, ref ulong tried, in RoutingDecision decision, int neededTokens, int minWindow, LogFields log)
    {
        ulong eligible = 0;
        var members = tier.Members;
        for (var i = 0; i < members.Length; i++)
        {
            var bit = 1UL << i;
            if ((tried & bit) != 0)
            {
                continue;
            }

            var deployment = members[i];
            if (decision.PinnedDeployment is { } pinned && !ReferenceEquals(pinned, deployment))
            {
                tried |= bit;
                continue;
            }

            string? skip = null;
            UpstreamFailureKind kind = default;
            string? detail = null;
            if (decision.Confidential is not null && deployment.IsExternal)
            {
                skip = "external";
                kind = UpstreamFailureKind.Excluded;
                detail = $"external, and the request is confidential ({decision.Confidential})";
            }
            else if (deployment.Config.ContextWindow <= minWindow || neededTokens > deployment.Config.ContextWindow)
            {
                skip = "context_window";
                kind = UpstreamFailureKind.ContextLength;
                detail = deployment.Config.ContextWindow <= minWindow
                    ? $"its context window ({deployment.Config.ContextWindow:N0} tokens) is no larger than one that was already too small"
                    : $"its context window ({deployment.Config.ContextWindow:N0} tokens) cannot hold the prompt and max_tokens (about {neededTokens:N0} tokens)";
            }
            else if (deployment.Health.Unavailable is { } why)
            {
                skip = why;
                kind = UpstreamFailureKind.Unavailable;
                detail = why == "unhealthy" ? "failing its health checks" : "its circuit breaker is open after repeated failures";
            }

            if (skip is null)
            {
                eligible |= bit;
                continue;
            }

            tried |= bit;
            log.Record(new AttemptRecord(deployment.Name, tier.Name, "skipped:" + skip, 0, 0));
            log.Fail(new UpstreamFailure(kind, deployment.Name, detail!) { Skipped = true });
        }

        return eligible;
    }

    /// <summary>Short, header-safe reasons the answer did not come from the first deployment planned.</summary>
    private static string? DescribeFallback(List<UpstreamFailure>? failures)
    {
        if (failures is null || failures.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var failure in failures)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(failure.Deployment).Append(": ").Append(FailureKinds.Describe(failure.Kind));
            if (text.Length > 480)
            {
                text.Append("; ...");
                break;
            }
        }

        return text.ToString();
    }

    /// <summary>What the routing rules decided for one request.</summary>
    internal struct RoutingDecision
    {
        /// <summary>The tiers to try, in order.</summary>
        public Tier[] Order;

        /// <summary>The one deployment the client pinned, if any.</summary>
        public Deployment? PinnedDeployment;

        /// <summary>The label that selected the first tier, if any.</summary>
        public string? Label;

        /// <summary>Which rule decided: <c>tag</c>, <c>metadata</c>, <c>route</c>, <c>classifier</c>, <c>pinned</c>, <c>default</c>.</summary>
        public string? Rule;

        /// <summary>Why the request is confidential, or <see langword="null"/>.</summary>
        public string? Confidential;

        /// <summary>The classifier's explanation, when it ran.</summary>
        public string? Explanation;

        /// <summary>The learned router's probability that the cheap tiers fail this request, when it ran.</summary>
        public double? RouterScore;
    }
}
