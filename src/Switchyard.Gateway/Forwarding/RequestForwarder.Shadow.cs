using Switchyard.Gateway.Api;
using Switchyard.Gateway.Routing;
using Switchyard.Gateway.Shadow;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// The request path's two touch points with shadow traffic (<c>routes.NAME.shadow</c>, <see cref="ShadowDispatcher"/>):
/// after routing, a picked request gets a <see cref="ShadowTap"/> (a copy of its body; the answer is read as it is
/// relayed); after the request is recorded, the tap becomes a job handed to the route's queue without waiting. The
/// client's answer is complete and unchanged by then: the candidate is called only in the background.
/// </summary>
internal sealed partial class RequestForwarder
{
    /// <summary>Gives a request its route's shadow picks a tap (after routing decided, before any upstream call).</summary>
    private void StartShadow(Route route, EndpointKind endpoint, string requestId, ReadOnlySpan<byte> body, string? confidential, RouteTable table, LogFields log)
    {
        if (route.Config.Shadow is not { } config || _runtime.Shadow is not { } shadow || endpoint == EndpointKind.Embeddings)
        {
            return;
        }

        var external = table.Find(config.Deployment)?.IsExternal ?? false;
        if (shadow.Admit(route.Name, config, requestId, confidential is not null, external))
        {
            log.Shadow = new ShadowTap(body.ToArray());
        }
    }

    /// <summary>
    /// Hands a shadowed request that was answered in full to its route's shadow queue (never waits: a full queue drops the
    /// job and counts it). Called once the request is recorded, so the costs are known.
    /// </summary>
    private void ForkShadow(string requestId, long start, LogFields log)
    {
        if (log.Shadow is not { } tap)
        {
            return;
        }

        log.Shadow = null;
        var table = log.Table;
        if (_runtime.Shadow is not { } shadow || table is null || log.Route is not { } routeName || !table.TryGetRoute(routeName, out var route)
            || route.Config.Shadow is not { } config || log.Status is < 200 or > 299 || log.Error is not null || log.Deployment is not { } deployment)
        {
            tap.Dispose();
            return;
        }

        if (log.Sent is { } held)
        {
            tap.CaptureHeld(held);
        }

        if (tap.Answer.FinishReason is null)
        {
            // The answer did not end (a stream cut after the client had part of it): nothing whole to compare.
            tap.Dispose();
            return;
        }

        // The snapshot the candidate is called from is held by the job, so a reload cannot dispose it mid-call.
        var snapshot = _runtime.Acquire();
        shadow.Fork(new ShadowJob
        {
            Route = route.Name,
            Config = config,
            RequestId = requestId,
            Timestamp = _time.GetUtcNow() - _time.GetElapsedTime(start),
            Endpoint = log.Endpoint,
            Label = log.Label,
            Tags = log.Tags,
            Confidential = log.Confidential,
            Body = tap.Body,
            Incumbent = tap.TakeAnswer(),
            IncumbentDeployment = deployment,
            IncumbentTier = log.Tier,
            IncumbentUsage = log.Usage,
            IncumbentCost = (log.FinalCosts ?? log.Costs()).Answer,
            IncumbentLatencyMs = _time.GetElapsedTime(start).TotalMilliseconds,
            Gate = route.Quality,
            Snapshot = snapshot,
            Runtime = _runtime,
        });
    }

    private sealed partial class LogFields
    {
        /// <summary>What the shadow keeps of this request, when its route's shadow picked it.</summary>
        public ShadowTap? Shadow;

        /// <summary>The tap of the request this is a hedge leg of (or its own): the relay of either leg's answer captures into it.</summary>
        public ShadowTap? ShadowCapture => Shadow ?? Parent?.Shadow;
    }
}
