using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Simulator.Configuration;
using Switchyard.Simulator.Faults;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// Serves <c>POST /v1/embeddings</c>: parse, resolve the model, apply a fault, wait the model's time to first token (the
/// prefill an embedding costs), write deterministic unit vectors.
/// </summary>
internal sealed class EmbeddingsHandler(
    SimulatorConfig config,
    SimulatorStats stats,
    TimeProvider time,
    SharedRandom random,
    ILogger logger,
    CancellationToken stopping)
{
    /// <summary>Serves one request; <paramref name="deployment"/>, when given, is the model the URL names (Azure).</summary>
    public async Task HandleAsync(HttpContext context, RequestOverrides overrides, string requestId, string? deployment = null)
    {
        EmbeddingRequest request;
        RequestError error;
        using (var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted))
        {
            if (!EmbeddingRequestParser.TryParse(body.WrittenSpan, out request, out error, deployment))
            {
                await RejectAsync(context, error, requestId);
                return;
            }
        }

        request.Model = deployment ?? request.Model;
        if (!config.TryResolve(request.Model!, out var model, out error))
        {
            await RejectAsync(context, error, requestId);
            return;
        }

        var profile = model.Profile;
        var fault = FaultResponder.Pick(overrides, model, random);
        if (fault != SimulatorFault.None)
        {
            stats.FaultInjected(fault);
            SimulatorLog.FaultInjected(logger, requestId, FaultNames.Name(fault));
            context.Response.Headers[GenerationHandler.FaultResponseHeader] = FaultNames.Name(fault);
        }

        var plan = LatencyPlan.Create(profile, overrides, random);
        using var linked = plan.IsInstant && fault == SimulatorFault.None ? null : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = linked?.Token ?? context.RequestAborted;
        if (await FaultResponder.TryAnswerAsync(context, fault, model.Name, profile.ContextWindow, request.PromptTokens, null, overrides, time, cancellationToken))
        {
            return;
        }

        if (fault == SimulatorFault.Stall)
        {
            await FaultResponder.WaitForeverAsync(time, cancellationToken);
            return;
        }

        var delay = plan.TimeToFirstToken + (fault == SimulatorFault.SlowFirstToken ? TimeSpan.FromMilliseconds(overrides.FaultDelayMs ?? 5000) : TimeSpan.Zero);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }

        if (fault is SimulatorFault.CutBeforeFirstChunk or SimulatorFault.CutAfterFirstChunk)
        {
            context.Abort();
            return;
        }

        stats.Usage(request.PromptTokens, 0);
        var dimensions = request.Dimensions ?? profile.EmbeddingDimensions;
        using var buffer = new PooledByteBuffer(Math.Max(1024, request.Inputs.Count * dimensions * 12));
        var writer = JsonWriterCache.Rent(buffer);
        try
        {
            EmbeddingResponseWriter.Write(writer, request, model.EchoName, model.NameHash, dimensions);
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        var memory = buffer.WrittenMemory;
        if (fault == SimulatorFault.MalformedChunk)
        {
            memory = memory[..(memory.Length / 2)];
        }

        await JsonResponse.SendAsync(context, StatusCodes.Status200OK, memory, cancellationToken);
    }

    private async Task RejectAsync(HttpContext context, RequestError error, string requestId)
    {
        stats.BadRequest();
        SimulatorLog.BadRequest(logger, requestId, error.Status, error.Code, error.Message);
        await JsonResponse.SendErrorAsync(context, error, context.RequestAborted);
    }
}
