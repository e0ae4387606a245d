using Microsoft.AspNetCore.Http;
using Switchyard.Simulator.Faults;
using Switchyard.Simulator.Generation;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// <c>POST /v1/messages</c>: Anthropic's Messages API over the same models, faults and timing as the OpenAI endpoints.
/// </summary>
/// <remarks>
/// <code>
/// headers: x-api-key (or Authorization) ─no─► 401 authentication_error; anthropic-version ─no─► 400
/// body ─► AnthropicRequestReader (restated as a chat request) ─► GenerationRequestParser ─► model, fault, latency plan
///   status faults ─► Anthropic's error bodies (rate_limit 429, server_error 500, overloaded 529, too long 400)
///   not streaming: wait ─► one message
///   streaming: message_start, ping ─► [overloaded: error event] ─► per block: start, deltas, stop ─► message_delta, message_stop
/// </code>
/// </remarks>
internal sealed partial class GenerationHandler
{
    public async Task HandleMessagesAsync(HttpContext context, RequestOverrides overrides, string requestId)
    {
        var headers = context.Request.Headers;
        if (string.IsNullOrEmpty(headers["x-api-key"]) && string.IsNullOrEmpty(headers.Authorization))
        {
            await RejectAsync(context, new RequestError(401, "authentication_error", "x-api-key header is required"), requestId, anthropic: true);
            return;
        }

        if (string.IsNullOrEmpty(headers["anthropic-version"]))
        {
            await RejectAsync(context, new RequestError(400, "invalid_request_error", "anthropic-version: header is required"), requestId, anthropic: true);
            return;
        }

        GenerationRequest request;
        using (var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted))
        using (var chat = new PooledByteBuffer(body.Length + 256))
        {
            if (AnthropicRequestReader.TryRestate(body.WrittenSpan, chat) is { } invalid)
            {
                await RejectAsync(context, invalid, requestId, anthropic: true);
                return;
            }

            if (!GenerationRequestParser.TryParse(chat.WrittenSpan, EndpointKind.ChatCompletions, out request, out var error))
            {
                await RejectAsync(context, error with { Type = "invalid_request_error" }, requestId, anthropic: true);
                return;
            }
        }

        if (request.Stream)
        {
            stats.Streaming();
        }

        if (request.Judge is not null)
        {
            stats.JudgeRequest();
        }

        if (!config.TryResolve(request.Model!, out var model, out var unknown))
        {
            await RejectAsync(context, unknown with { Type = "not_found_error" }, requestId, anthropic: true);
            return;
        }

        var profile = model.Profile;
        var fault = FaultResponder.Pick(overrides, model, random);
        if (fault != SimulatorFault.None)
        {
            stats.FaultInjected(fault);
            SimulatorLog.FaultInjected(logger, requestId, FaultNames.Name(fault));
            context.Response.Headers[FaultResponseHeader] = FaultNames.Name(fault);
        }

        var plan = LatencyPlan.Create(profile, overrides, random);
        using var linked = plan.IsInstant && fault == SimulatorFault.None ? null : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = linked?.Token ?? context.RequestAborted;
        if (await FaultResponder.TryAnswerAsync(context, fault, model.Name, profile.ContextWindow, request.PromptTokens, request.MaxTokens, overrides, time, cancellationToken, anthropic: true, stream: request.Stream))
        {
            return;
        }

        if (request.PromptTokens + (request.MaxTokens ?? 0) > profile.ContextWindow)
        {
            await RejectAsync(context, FaultResponder.AnthropicTooLong(profile.ContextWindow, request.PromptTokens), requestId, anthropic: true);
            return;
        }

        var answers = Generate(request, model, overrides.Quality, fault == SimulatorFault.ContentFilter);
        try
        {
            var answer = answers[0];
            stats.Usage(request.PromptTokens, answer.TokenCount);
            context.Response.Headers[QualityHeader] = QualityValues[(int)answer.Quality];
            context.Response.Headers["request-id"] = requestId;
            var id = "msg_" + requestId[4..];
            var name = model.EchoName.ToString();
            if (request.Stream)
            {
                await StreamMessageAsync(context, request, answer, id, name, profile.TokensPerChunk, plan, fault, overrides, cancellationToken);
            }
            else
            {
                await AnswerMessageAsync(context, request, answer, id, name, plan, fault, overrides, cancellationToken);
            }
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
    }

    private async Task AnswerMessageAsync(HttpContext context, GenerationRequest request, Answer answer, string id, string model, LatencyPlan plan, SimulatorFault fault, RequestOverrides overrides, CancellationToken cancellationToken)
    {
        if (fault == SimulatorFault.Stall)
        {
            await FaultResponder.WaitForeverAsync(time, cancellationToken);
            return;
        }

        var delay = plan.TimeToFirstToken + plan.ForTokens(answer.TokenCount) + SlowFirstTokenDelay(fault, overrides);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }

        if (fault is SimulatorFault.CutBeforeFirstChunk or SimulatorFault.CutAfterFirstChunk)
        {
            context.Abort();
            return;
        }

        using var body = new PooledByteBuffer(2048);
        var writer = JsonWriterCache.Rent(body);
        try
        {
            AnthropicResponseWriter.WriteMessage(writer, id, model, answer, request.PromptTokens);
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        var memory = body.WrittenMemory;
        if (fault == SimulatorFault.MalformedChunk)
        {
            memory = memory[..(memory.Length / 2)];
        }

        await JsonResponse.SendAsync(context, StatusCodes.Status200OK, memory, cancellationToken);
    }

    /// <summary>
    /// The events of one message: its text block, or one tool_use block per call, <paramref name="perChunk"/> tokens per
    /// delta, paced as the OpenAI stream is. Stream faults strike after the first delta; <c>missing_done</c> leaves out
    /// <c>message_stop</c>.
    /// </summary>
    private async Task StreamMessageAsync(HttpContext context, GenerationRequest request, Answer answer, string id, string model, int perChunk, LatencyPlan plan, SimulatorFault fault, RequestOverrides overrides, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.ContentType = EventStream;
        response.Headers.CacheControl = NoCache;
        using var sse = new SseWriter(response.BodyWriter);
        await response.StartAsync(cancellationToken);
        if (fault == SimulatorFault.CutBeforeFirstChunk)
        {
            await sse.FlushAsync(cancellationToken);
            throw new ConnectionCutException();
        }

        var firstDelay = plan.TimeToFirstToken + SlowFirstTokenDelay(fault, overrides);
        if (firstDelay > TimeSpan.Zero)
        {
            await sse.FlushAsync(cancellationToken);
            await Task.Delay(firstDelay, time, cancellationToken);
        }

        AnthropicResponseWriter.WriteMessageStart(sse.BeginEvent("message_start"u8), id, model, request.PromptTokens);
        sse.EndEvent();
        AnthropicResponseWriter.WriteType(sse.BeginEvent("ping"u8), "ping");
        sse.EndEvent();
        if (fault == SimulatorFault.Overloaded)
        {
            AnthropicResponseWriter.WriteError(sse.BeginEvent("error"u8), new RequestError(529, "overloaded_error", "Overloaded"));
            sse.EndEvent();
            await sse.FlushAsync(cancellationToken);
            return;
        }

        // The blocks: (first token, end token, tool call or -1).
        var blocks = new List<(int First, int End, int Tool)>();
        if (answer.ContentTokenCount > 0 || !answer.HasToolCalls)
        {
            blocks.Add((0, answer.ContentTokenCount, -1));
        }

        for (var t = 0; t < (answer.ToolCalls?.Count ?? 0); t++)
        {
            blocks.Add((answer.ToolCalls![t].FirstToken, answer.ToolCalls[t].EndToken, t));
        }

        perChunk = Math.Max(1, perChunk);
        var interval = plan.ForTokens(perChunk);
        var started = time.GetTimestamp();
        var step = 0;
        for (var b = 0; b < blocks.Count; b++)
        {
            var (first, end, tool) = blocks[b];
            if (tool < 0)
            {
                AnthropicResponseWriter.WriteTextBlockStart(sse.BeginEvent("content_block_start"u8), b);
            }
            else
            {
                AnthropicResponseWriter.WriteToolBlockStart(sse.BeginEvent("content_block_start"u8), b, answer.ToolCalls![tool]);
            }

            sse.EndEvent();
            for (var token = first; token < end; token += perChunk)
            {
                if (step > 0 && interval > TimeSpan.Zero)
                {
                    var wait = (interval * step) - time.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                    {
                        await sse.FlushAsync(cancellationToken);
                        await Task.Delay(wait, time, cancellationToken);
                    }
                }

                AnthropicResponseWriter.WriteDelta(sse.BeginEvent("content_block_delta"u8), b, tool >= 0, answer.Tokens(token, Math.Min(token + perChunk, end)));
                sse.EndEvent();
                if (step++ == 0 && fault is SimulatorFault.CutAfterFirstChunk or SimulatorFault.Stall or SimulatorFault.MalformedChunk)
                {
                    await StrikeAsync(sse, fault, cancellationToken);
                    if (fault != SimulatorFault.MalformedChunk)
                    {
                        return;
                    }
                }
            }

            AnthropicResponseWriter.WriteBlockStop(sse.BeginEvent("content_block_stop"u8), b);
            sse.EndEvent();
        }

        AnthropicResponseWriter.WriteMessageDelta(sse.BeginEvent("message_delta"u8), answer.FinishReason, answer.TokenCount);
        sse.EndEvent();
        if (fault != SimulatorFault.MissingDone)
        {
            AnthropicResponseWriter.WriteType(sse.BeginEvent("message_stop"u8), "message_stop");
            sse.EndEvent();
        }

        await sse.FlushAsync(cancellationToken);
    }

    /// <summary>A stream fault after the first delta: cut, stall, or a malformed event (after which the stream goes on).</summary>
    private async Task StrikeAsync(SseWriter sse, SimulatorFault fault, CancellationToken cancellationToken)
    {
        await sse.FlushAsync(cancellationToken);
        switch (fault)
        {
            case SimulatorFault.CutAfterFirstChunk:
                throw new ConnectionCutException();
            case SimulatorFault.Stall:
                await FaultResponder.WaitForeverAsync(time, cancellationToken);
                return;
            default:
                sse.WriteRaw("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\n\n"u8);
                return;
        }
    }
}
