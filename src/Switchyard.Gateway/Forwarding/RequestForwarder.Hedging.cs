using System.Buffers;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

internal sealed partial class RequestForwarder
{
    /// <summary>
    /// Response header on a hedged request: which call's answer was kept and which was cancelled
    /// (<c>hedge; cancelled=llama-a</c>, or <c>primary; cancelled=llama-b</c>).
    /// </summary>
    public const string HedgeHeader = "x-switchyard-hedge";

    /// <summary>
    /// One step of the plan on a route with <c>hedge_after</c>: calls <paramref name="deployment"/> and, when it has not
    /// reached its first token within <paramref name="after"/>, also the next deployment of the plan; the first to reach
    /// its first token answers the client and the other is cancelled.
    /// </summary>
    /// <remarks>
    /// <code>
    /// primary leg ──────────────► first token? ─► wins the race: headers, relay; the hedge is cancelled
    ///     │ after hedge_after, no first token, nobody has won yet:
    ///     └─► next deployment of the plan (same tier, then later tiers; the usual eligibility rules)
    ///         hedge leg ─────────► first token? ─► wins the race; the primary is cancelled
    /// both legs failed ─► the plan goes on after them, as after any failure
    /// </code>
    /// Each leg keeps its own log and writes no response header until it wins; the legs are merged into the request's
    /// log when both are done, so the request is recorded (and billed) once, with the winner's deployment and usage and
    /// every call in its attempts. "First token" is the commit point: a stream's first valid event, a whole JSON answer.
    /// </remarks>
    private async ValueTask<HedgeStep> HedgedAsync(
        HttpContext context,
        EndpointKind endpoint,
        TimeSpan after,
        RoutingDecision decision,
        int tierIndex,
        ulong[] triedByTier,
        Deployment deployment,
        ReadOnlyMemory<byte> body,
        ParsedRequest parsed,
        byte[] scratch,
        string requestId,
        LogFields log,
        int neededTokens,
        int minWindow,
        GatedRequest? gated)
    {
        var race = new HedgeRace(log, context.RequestAborted);
        var primary = race.Start(0);
        var primaryTask = TryDeploymentAsync(context, endpoint, decision.Order[tierIndex], deployment, body, parsed, scratch, requestId, primary.Log, primary, gated).AsTask();
        HedgeLeg? hedge = null;
        byte[]? hedgeScratch = null;
        // Deployments passed over while looking for the hedge: recorded apart, since the winner may be reading the
        // request's own failures for its headers at this moment.
        var planning = new LogFields { Endpoint = log.Endpoint };
        try
        {
            using (var timer = new CancellationTokenSource())
            {
                await Task.WhenAny(primaryTask, Task.Delay(after, _time, timer.Token));
                timer.Cancel();
            }

            // The timer fired, and the primary has neither answered nor failed: hedge, unless it has its first token by now.
            if (!primaryTask.IsCompleted && race.Winner < 0 && NextCandidate(decision, tierIndex, triedByTier, neededTokens, minWindow, planning) is var (hedgeTier, hedgeDeployment))
            {
                hedge = race.Start(1, hedgeDeployment.Name);
                if (race.Winner < 0)
                {
                    GatewayLog.Hedging(_logger, requestId, deployment.Name, hedgeDeployment.Name, (long)after.TotalMilliseconds);
                    hedgeScratch = ArrayPool<byte>.Shared.Rent(scratch.Length);
                    var hedgeTask = TryDeploymentAsync(context, endpoint, hedgeTier, hedgeDeployment, body, parsed, hedgeScratch, requestId, hedge.Log, hedge, gated).AsTask();
                    await Task.WhenAll(primaryTask, hedgeTask);
                    hedge.Result = hedgeTask.Result;
                }
            }

            await primaryTask;
        }
        finally
        {
            if (hedgeScratch is not null)
            {
                ArrayPool<byte>.Shared.Return(hedgeScratch);
            }

            race.Dispose();
        }

        // One record of the request: the legs in call order, the winner's deployment, tier, usage and status.
        var winner = race.Winner;
        log.Absorb(planning, winner: false);
        log.Absorb(primary.Log, winner == 0);
        if (hedge is not null)
        {
            log.Absorb(hedge.Log, winner == 1);
        }

        if (log.Finished || log.Held is not null)
        {
            return new HedgeStep(null, hedge is not null, minWindow);
        }

        // Nobody answered: the plan goes on, unless one leg's failure says no other deployment could do better.
        var failure = primaryTask.Result;
        minWindow = Widen(minWindow, failure, deployment);
        if (hedge is { Deployment: { } hedged, Result: { } hedgeFailure })
        {
            minWindow = Widen(minWindow, hedgeFailure, hedged);
            if (failure is null || FailoverPolicy.ShouldTryNext(failure))
            {
                failure = hedgeFailure;
            }
        }

        return new HedgeStep(failure, hedge is not null, minWindow);

        static int Widen(int minWindow, UpstreamFailure? failure, Deployment deployment)
            => failure?.Kind == UpstreamFailureKind.ContextLength ? Math.Max(minWindow, deployment.Config.ContextWindow) : minWindow;
    }

    /// <summary>The deployment a hedge calls: the next one the plan would try, in this tier or a later one.</summary>
    private (Tier Tier, Deployment Deployment)? NextCandidate(in RoutingDecision decision, int tierIndex, ulong[] triedByTier, int neededTokens, int minWindow, LogFields log)
    {
        for (var t = tierIndex; t < decision.Order.Length; t++)
        {
            var tier = decision.Order[t];
            var candidates = Eligible(tier, ref triedByTier[t], decision, neededTokens, minWindow, log);
            var index = Balancer.Pick(tier, candidates, _random);
            if (index >= 0)
            {
                triedByTier[t] |= 1UL << index;
                return (tier, tier.Members[index]);
            }
        }

        return null;
    }

    /// <summary>What a hedged step came to, for the plan: the failure to decide on, whether a hedge was called, the window floor.</summary>
    private readonly record struct HedgeStep(UpstreamFailure? Failure, bool Hedged, int MinWindow);

    /// <summary>
    /// The two calls of a hedge. The first leg to reach its commit point wins (one compare-and-swap), writes the response
    /// headers and cancels the other; a leg that lost writes nothing to the response.
    /// </summary>
    private sealed class HedgeRace(LogFields main, CancellationToken requestAborted) : IDisposable
    {
        private readonly HedgeLeg?[] _legs = new HedgeLeg?[2];
        private int _winner = -1;

        /// <summary>The leg whose answer the client gets: 0 the primary, 1 the hedge, -1 none yet.</summary>
        public int Winner => Volatile.Read(ref _winner);

        public HedgeLeg Start(int index, string? deployment = null)
        {
            var leg = new HedgeLeg(this, index, main, CancellationTokenSource.CreateLinkedTokenSource(requestAborted)) { Planned = deployment };
            // A full fence: either the winner sees this leg (and cancels it) or the caller sees the winner (and does not call).
            Interlocked.Exchange(ref _legs[index], leg);
            return leg;
        }

        public bool TryWin(HedgeLeg leg, HttpContext context)
        {
            var seen = Interlocked.CompareExchange(ref _winner, leg.Index, -1);
            if (seen >= 0)
            {
                return seen == leg.Index;
            }

            var other = Volatile.Read(ref _legs[1 - leg.Index]);
            WriteHeaders(leg, other, context);
            other?.Cancel();
            return true;
        }

        public void Dispose()
        {
            foreach (var leg in _legs)
            {
                leg?.Dispose();
            }
        }

        /// <summary>What a request answered without a hedge would say, and which call of the hedge was kept.</summary>
        private void WriteHeaders(HedgeLeg winner, HedgeLeg? other, HttpContext context)
        {
            var headers = context.Response.Headers;
            headers[TierHeader] = winner.Tier!.Name;
            headers[DeploymentHeader] = winner.Deployment!.Name;
            headers["x-switchyard-attempts"] = Count(main.Attempts + winner.Log.Attempts + (other?.Log.Attempts ?? 0));
            var failures = new List<UpstreamFailure>();
            failures.AddRange(main.Failures ?? []);
            if (winner.Index == 1 && other?.Deployment is { } primary)
            {
                failures.Add(new UpstreamFailure(UpstreamFailureKind.HedgeLost, primary.Name, "the hedge answered first"));
            }

            failures.AddRange(winner.Log.Failures ?? []);
            if (DescribeFallback(failures) is { } reason)
            {
                headers[FallbackReasonHeader] = reason;
            }

            if ((winner.Index == 0 ? other?.Planned : other?.Deployment?.Name) is { } cancelled)
            {
                headers[HedgeHeader] = (winner.Index == 0 ? "primary; cancelled=" : "hedge; cancelled=") + cancelled;
            }
        }
    }

    /// <summary>One call of a hedge: its own log, its own cancellation, and what it is calling now.</summary>
    private sealed class HedgeLeg(HedgeRace race, int index, LogFields main, CancellationTokenSource cancellation) : IDisposable
    {
        public int Index { get; } = index;

        /// <summary>This leg's attempts and failures, merged into the request's log when the race is over.</summary>
        public LogFields Log { get; } = new() { Endpoint = main.Endpoint, Parent = main };

        /// <summary>Cancelled when the client leaves or the other leg wins.</summary>
        public CancellationToken Token => cancellation.Token;

        /// <summary>The deployment the hedge was planned for (set before the leg calls it).</summary>
        public string? Planned { get; init; }

        /// <summary>The tier and deployment the leg is calling now, for the headers if it wins.</summary>
        public Tier? Tier { get; set; }

        public Deployment? Deployment { get; set; }

        /// <summary>The leg's last failure, once it is done without an answer.</summary>
        public UpstreamFailure? Result { get; set; }

        /// <summary>The other leg won: this one must not call, relay or write anything more.</summary>
        public bool Lost => race.Winner is var winner && winner >= 0 && winner != Index;

        /// <summary>Claims the client's response for this leg; false when the other leg has it.</summary>
        public bool TryWin(HttpContext context) => race.TryWin(this, context);

        /// <summary>The failure a cancelled call reports.</summary>
        public UpstreamFailure LostFailure(string deployment) => new(UpstreamFailureKind.HedgeLost, deployment, "cancelled: the other call of the hedge answered first");

        public void Cancel() => cancellation.Cancel();

        public void Dispose() => cancellation.Dispose();
    }
}
