using Switchyard.Gateway.Economics;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// What a request cost, from the calls it made: the answer the client got, and what else it paid for, each call under the
/// deployment and tier that spent it. Computed from the attempt records only, so the header, the request log and the
/// budgets read one figure and nothing is counted twice.
/// </summary>
internal sealed partial class RequestForwarder
{
    /// <summary>
    /// What a request cost, in dollars. <c>Answer</c>: the answer the client got; <c>Escalated</c>: answers the quality
    /// gate held and did not send; <c>Checks</c>: judge and agreement calls; <c>Failed</c>: calls that failed after tokens
    /// flowed; <c>Baseline</c>: the answer at the route's baseline price. A figure is <see langword="null"/> when unknown
    /// (no usage, or no price). <c>Parts</c>: the calls behind the three extra kinds (<see langword="null"/> when none).
    /// </summary>
    private readonly record struct RequestCosts(double? Answer, double? Escalated, double? Checks, double? Failed, double? Baseline, bool Estimated, List<RequestCostPart>? Parts)
    {
        /// <summary>Everything spent besides the answer, or <see langword="null"/> when nothing of the request was costed.</summary>
        public double? Extra => Escalated is null ? null : Escalated + Checks + Failed;

        /// <summary>Everything the request spent (0 when nothing was costed).</summary>
        public double Total => (Answer ?? 0) + (Extra ?? 0);
    }

    private sealed partial class LogFields
    {
        /// <summary>
        /// What the request cost, from its attempt records: the answer is the held answer sent (a gated route) or the call
        /// that answered; every other call that spent tokens is escalated, a check or failed. A call to a deployment
        /// without a price is kept as a part (its tokens count) with no cost.
        /// </summary>
        public RequestCosts Costs()
        {
            var answered = Status is >= 200 and < 300;
            double? answer = null;
            var answerEstimated = false;
            var answerIndex = -1;
            if (answered && _attempts is not null)
            {
                for (var i = _attempts.Count - 1; i >= 0; i--)
                {
                    var attempt = _attempts[i];
                    if (Sent is not null ? ReferenceEquals(attempt.Answer, Sent) : attempt.Spend == Spend.Answer)
                    {
                        answerIndex = i;
                        break;
                    }
                }
            }

            if (answerIndex >= 0 && _attempts![answerIndex] is { Usage: { } used, Price: var price })
            {
                answer = price?.Cost(used);
                answerEstimated = used.Estimated;
            }

            if (CacheHit && answered)
            {
                // Served from the cache: nothing was called, so nothing was spent; the baseline still says what it saved.
                answer = 0;
            }

            var baseline = answered && Usage is { } usage ? Baseline?.Cost(usage) : null;
            double escalated = 0, checks = 0, failed = 0;
            var priced = answer is not null;
            var estimated = answerEstimated;
            List<RequestCostPart>? parts = null;
            for (var i = 0; i < (_attempts?.Count ?? 0); i++)
            {
                var attempt = _attempts![i];
                if (i == answerIndex || attempt.Usage is not { } spent || attempt.Spend == Spend.None)
                {
                    continue;
                }

                // An answer that never reached a client that answered (it left, or a stream broke after it) was paid for.
                var kind = attempt.Spend switch
                {
                    Spend.Held => CostKind.Escalated,
                    Spend.Check => CostKind.Check,
                    _ => CostKind.Failed,
                };
                var cost = attempt.Price?.Cost(spent);
                if (cost is { } dollars)
                {
                    priced = true;
                    switch (kind)
                    {
                        case CostKind.Escalated:
                            escalated += dollars;
                            break;
                        case CostKind.Check:
                            checks += dollars;
                            break;
                        default:
                            failed += dollars;
                            break;
                    }
                }

                estimated |= spent.Estimated;
                (parts ??= []).Add(new RequestCostPart
                {
                    Kind = kind,
                    Deployment = attempt.Deployment,
                    Tier = attempt.Tier,
                    InputTokens = spent.PromptTokens,
                    OutputTokens = spent.CompletionTokens,
                    CachedTokens = spent.CachedTokens,
                    ReasoningTokens = spent.ReasoningTokens,
                    CostUsd = cost,
                    Estimated = spent.Estimated,
                });
            }

            return priced
                ? new RequestCosts(answer, escalated, checks, failed, baseline, estimated, parts)
                : new RequestCosts(null, null, null, null, baseline, estimated, parts);
        }

        /// <summary>
        /// What the calls recorded so far cost besides an answer (failed, escalated, checks), with those of the request's
        /// own log when this is a hedge's leg: added to the answer's cost in its header.
        /// </summary>
        public (double Cost, bool Estimated) SpentSoFar()
        {
            var (cost, estimated) = Parent?.SpentSoFar() ?? (0, false);
            foreach (var attempt in _attempts ?? [])
            {
                if (attempt.Spend is not Spend.None and not Spend.Answer && attempt.Usage is { } spent && attempt.Price is { } price)
                {
                    cost += price.Cost(spent);
                    estimated |= spent.Estimated;
                }
            }

            return (cost, estimated);
        }
    }
}
