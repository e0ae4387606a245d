using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Forwarding.Internal;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

internal sealed partial class RequestForwarder
{
    private static readonly StreamPipeReaderOptions UpstreamReaderOptions = new(bufferSize: 8192, minimumReadSize: 2048, leaveOpen: false);

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private static ReadOnlySpan<byte> DoneEvent => "data: [DONE]\n\n"u8;

    /// <summary>
    /// Relays an upstream SSE stream event by event. Headers reach the client only with the first valid event, so a stream
    /// that fails before it can still fail over. Each event is validated as JSON: a malformed, cut or stalled stream
    /// ends in an error event, never in a silent truncation the client would take for a complete answer.
    /// For a quality gate that buffers streams (<paramref name="gated"/>), the events go to memory instead, the answer is
    /// read as they come, and the whole stream is held for the gate's decision: nothing reaches the client yet, so
    /// a stream that breaks half-way still fails over.
    /// </summary>
    private async Task<AttemptResult> RelayStreamAsync(
        HttpContext context,
        HttpResponseMessage response,
        Deployment deployment,
        Economics.DeploymentPrice? price,
        ParsedRequest parsed,
        string requestId,
        AttemptDeadline deadline,
        long attemptStart,
        LogFields log,
        HedgeLeg? leg,
        GatedRequest? gated)
    {
        var timeouts = deployment.Config.Timeouts;
        var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        var reader = PipeReader.Create(stream, UpstreamReaderOptions);
        var state = new StreamState(deployment.Name, !parsed.IncludeUsage, leg, gated is null ? null : new Quality.AnswerCollector(), price, parsed.EstimatedPromptTokens, log);
        using var held = gated is null ? null : new MemoryStream();
        var output = held is null ? context.Response.BodyWriter : PipeWriter.Create(held, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(deadline.Token);
                var buffer = result.Buffer;
                var outcome = ProcessEvents(ref buffer, result.IsCompleted, ref state, context, output);
                reader.AdvanceTo(buffer.Start, buffer.End);

                if (state.PendingFlush)
                {
                    state.PendingFlush = false;
                    var flush = await output.FlushAsync(context.RequestAborted);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return AttemptResult.Failed(new UpstreamFailure(UpstreamFailureKind.ClientGone, deployment.Name, "the client disconnected"), Spent(state), price);
                    }
                }

                if (outcome == StreamOutcome.Done)
                {
                    state.Usage ??= EstimateStreamUsage(state, parsed.EstimatedPromptTokens);
                    return held is null ? AttemptResult.Success(state.Usage, state.FirstByte, price) : await HoldStreamAsync(output, held, state, gated!);
                }

                if (outcome == StreamOutcome.Failed)
                {
                    return await FailStreamAsync(context, output, state, state.Failure!);
                }

                if (result.IsCompleted)
                {
                    if (state.SawFinishReason)
                    {
                        // COMPAT: some servers close after the finish chunk without [DONE]; the answer is complete, so
                        // the client gets the [DONE] its SDK waits for.
                        GatewayLog.MissingDoneAdded(_logger, requestId, deployment.Name);
                        state.Usage ??= EstimateStreamUsage(state, parsed.EstimatedPromptTokens);
                        WriteCostComment(output, ref state, state.Usage.Value);
                        output.Write(DoneEvent);
                        await output.FlushAsync(context.RequestAborted);
                        return held is null ? AttemptResult.Success(state.Usage, state.FirstByte, price) : await HoldStreamAsync(output, held, state, gated!);
                    }

                    var cut = new UpstreamFailure(
                        UpstreamFailureKind.BrokenResponse,
                        deployment.Name,
                        state.Committed ? $"the stream ended after {state.Events} events without a finish_reason or [DONE]" : "the stream ended before its first event");
                    return await FailStreamAsync(context, output, state, cut);
                }

                // Until the first event the next chunk is due within first_token; after it within stall (no chunk for
                // that long is a stalled stream); the whole attempt within total.
                var idle = state.Committed ? timeouts.Stall ?? timeouts.FirstToken : timeouts.FirstToken;
                var remaining = timeouts.Total - _time.GetElapsedTime(attemptStart);
                deadline.ExpireAfter(remaining < idle ? remaining : idle);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return AttemptResult.Failed(new UpstreamFailure(UpstreamFailureKind.ClientGone, deployment.Name, "the client disconnected"), Spent(state), price);
            }

            if (!state.Committed && leg is { Lost: true })
            {
                return AttemptResult.Failed(leg.LostFailure(deployment.Name), Spent(state), price);
            }

            var failure = e is OperationCanceledException
                ? new UpstreamFailure(UpstreamFailureKind.Timeout, deployment.Name, state.Committed
                    ? $"the stream stalled after {state.Events} events (no chunk within {Describe(timeouts.Stall ?? timeouts.FirstToken)}, or the total {Describe(timeouts.Total)} ran out)"
                    : $"no first chunk within the first_token timeout ({Describe(timeouts.FirstToken)})")
                : new UpstreamFailure(UpstreamFailureKind.BrokenResponse, deployment.Name, state.Committed
                    ? $"the stream was cut after {state.Events} events: {e.Message}"
                    : $"the stream was cut before its first event: {e.Message}");
            return await FailStreamAsync(context, output, state, failure);
        }
        finally
        {
            await reader.CompleteAsync();
            if (state.Scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(state.Scratch);
            }

            state.Answer?.Dispose();
        }
    }

    /// <summary>
    /// Counts for a stream whose upstream sent no usage chunk (asked for it, but some servers ignore
    /// <c>stream_options</c>): the prompt as the parser estimated it, the answer a token per 4 characters of its text
    /// when the gate read it, otherwise a token per content event (servers stream about one each; the role and finish
    /// events are not counted).
    /// </summary>
    private static Usage EstimateStreamUsage(StreamState state, int promptTokens)
        => new(promptTokens, state.Answer is { } answer ? (answer.Text.Length + 3) / 4 : Math.Max(0, state.Events - 2), Estimated: true);

    /// <summary>
    /// What a stream that failed had spent: its usage if the usage chunk came before the failure, else an estimate from
    /// what was seen (the prompt as the parser estimated it; a token per 4 characters of the text read, or per content
    /// event). <see langword="null"/> when no event arrived: nothing is known to have been generated.
    /// </summary>
    private static Usage? Spent(in StreamState state)
    {
        if (state.Usage is { } usage)
        {
            return usage;
        }

        if (state.Events == 0)
        {
            return null;
        }

        // The first event is the role's (no text); a cut stream has no finish event.
        var output = state.Answer is { } answer ? (answer.Text.Length + 3) / 4 : Math.Max(1, state.Events - 1);
        return new Usage(state.PromptEstimate, output, Estimated: true);
    }

    /// <summary>
    /// An SSE comment with the request's cost so far (<c>: x-switchyard-cost: 0.00001234</c>): a stream's headers leave
    /// before its usage, so its cost comes at its end. Comments are ignored by SSE clients (the OpenAI SDKs included);
    /// a stream buffered for the quality gate has the header instead.
    /// </summary>
    private static void WriteCostComment(PipeWriter output, ref StreamState state, Usage usage)
    {
        if (state.Answer is not null || state.Price is not { } price)
        {
            return;
        }

        var (before, estimated) = state.Log.SpentSoFar();
        var text = ": " + CostHeader + ": " + FormatCost(price.Cost(usage) + before)
            + (usage.Estimated || estimated ? "\n: " + CostEstimatedHeader + ": true" : "") + "\n\n";
        var span = output.GetSpan(text.Length);
        var written = System.Text.Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    /// <summary>A whole buffered stream, checked: held for the request to decide on.</summary>
    private static async Task<AttemptResult> HoldStreamAsync(PipeWriter output, MemoryStream held, StreamState state, GatedRequest gated)
    {
        await output.CompleteAsync();
        var verdict = gated.Evaluate(state.Answer!, state.Usage);
        return AttemptResult.Hold(new HeldAnswer(held.ToArray(), stream: true, state.Usage, verdict, state.Deployment, tier: "", state.Price));
    }

    /// <summary>Before the first byte: a plain failure (the next deployment is tried). After: an error event, then the end.</summary>
    private static async Task<AttemptResult> FailStreamAsync(HttpContext context, PipeWriter output, StreamState state, UpstreamFailure failure)
    {
        var spent = Spent(state);
        if (!state.Committed || state.Answer is not null)
        {
            // Nothing reached the client (a buffered stream is still in memory): the next deployment may be tried. What
            // flowed before the failure was generated, and is billed, all the same.
            return AttemptResult.Failed(failure, spent, state.Price);
        }

        if (!state.ErrorForwarded && !context.RequestAborted.IsCancellationRequested)
        {
            WriteCostComment(output, ref state, spent!.Value);
            output.Write(DataPrefix);
            ApiErrorWriter.Write(output, new ApiError(
                StatusCodes.Status502BadGateway,
                ApiError.UpstreamErrorType,
                $"Deployment '{failure.Deployment}' failed mid-stream: {failure.Detail}. The answer above is incomplete.",
                null,
                "stream_interrupted"));
            output.Write(EventEnd);
            try
            {
                await output.FlushAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The client left while being told; nothing more to do.
            }
        }

        return AttemptResult.FailedAfterCommit(failure, spent, state.FirstByte, state.Price);
    }

    /// <summary>
    /// Parses the complete SSE events in <paramref name="buffer"/> and writes what the client should see. Leaves
    /// <paramref name="buffer"/> at the start of the first incomplete event.
    /// </summary>
    private StreamOutcome ProcessEvents(ref ReadOnlySequence<byte> buffer, bool isCompleted, ref StreamState state, HttpContext context, PipeWriter output)
    {
        var sequence = new SequenceReader<byte>(buffer);
        var eventStart = sequence.Position;
        ReadOnlySequence<byte> data = default;
        var hasData = false;
        while (true)
        {
            ReadOnlySequence<byte> line;
            if (!sequence.TryReadTo(out line, (byte)'\n'))
            {
                if (!isCompleted || sequence.End)
                {
                    break;
                }

                // The stream ended without a final newline: take the rest as a last line.
                line = sequence.UnreadSequence;
                sequence.AdvanceToEnd();
            }

            if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
            {
                line = line.Slice(0, line.Length - 1);
            }

            if (line.Length == 0 || (isCompleted && sequence.End))
            {
                if (line.Length > 0)
                {
                    hasData |= TryData(line, ref data);
                }

                if (hasData)
                {
                    var outcome = HandleEvent(data, ref state, context, output);
                    hasData = false;
                    if (outcome != StreamOutcome.Continue)
                    {
                        buffer = buffer.Slice(sequence.Position);
                        return outcome;
                    }
                }

                eventStart = sequence.Position;
                continue;
            }

            if (TryData(line, ref data))
            {
                if (hasData)
                {
                    // Several data lines in one event: the SSE spec joins them with '\n'. No LLM server sends this for
                    // JSON chunks; refuse it rather than guess.
                    state.Failure = new UpstreamFailure(UpstreamFailureKind.BrokenResponse, state.Deployment, "an event with several data lines");
                    return StreamOutcome.Failed;
                }

                hasData = true;
            }

            // Comments (":" keep-alives), "event:", "id:" and "retry:" lines carry nothing the client needs.
        }

        buffer = buffer.Slice(eventStart);
        return StreamOutcome.Continue;
    }

    private static bool TryData(ReadOnlySequence<byte> line, ref ReadOnlySequence<byte> data)
    {
        if (line.Length < 5 || (line.FirstSpan.Length >= 5 ? !line.FirstSpan.StartsWith("data:"u8) : !StartsWithData(line)))
        {
            return false;
        }

        data = line.Slice(5);
        if (data.Length > 0 && data.FirstSpan[0] == (byte)' ')
        {
            data = data.Slice(1);
        }

        return true;
    }

    private static bool StartsWithData(ReadOnlySequence<byte> line)
    {
        Span<byte> head = stackalloc byte[5];
        line.Slice(0, 5).CopyTo(head);
        return head.SequenceEqual("data:"u8);
    }

    private StreamOutcome HandleEvent(ReadOnlySequence<byte> data, ref StreamState state, HttpContext context, PipeWriter output)
    {
        ReadOnlySpan<byte> payload;
        if (data.IsSingleSegment)
        {
            payload = data.FirstSpan;
        }
        else
        {
            var length = (int)data.Length;
            if (state.Scratch is null || state.Scratch.Length < length)
            {
                if (state.Scratch is not null)
                {
                    ArrayPool<byte>.Shared.Return(state.Scratch);
                }

                state.Scratch = ArrayPool<byte>.Shared.Rent(length);
            }

            data.CopyTo(state.Scratch);
            payload = state.Scratch.AsSpan(0, length);
        }

        if (payload.SequenceEqual("[DONE]"u8))
        {
            if (!state.Committed)
            {
                state.Failure = new UpstreamFailure(UpstreamFailureKind.BrokenResponse, state.Deployment, "the stream sent [DONE] before any chunk");
                return StreamOutcome.Failed;
            }

            state.Usage ??= EstimateStreamUsage(state, state.PromptEstimate);
            WriteCostComment(output, ref state, state.Usage.Value);
            output.Write(DoneEvent);
            state.PendingFlush = true;
            return StreamOutcome.Done;
        }

        var chunk = ChunkInspector.Inspect(payload);
        if (chunk.Malformed)
        {
            state.Failure = new UpstreamFailure(UpstreamFailureKind.BrokenResponse, state.Deployment, $"event {state.Events + 1} is not valid JSON");
            return StreamOutcome.Failed;
        }

        if (chunk.IsError)
        {
            var message = UpstreamErrorReader.Describe(payload.ToArray(), out _);
            state.Failure = new UpstreamFailure(UpstreamFailureKind.ServerError, state.Deployment, $"the stream carried an error: {message}");
            if (state.Committed && state.Answer is null)
            {
                // Already in OpenAI's error shape: the client's SDK raises it as it is.
                WriteEvent(output, payload);
                state.PendingFlush = true;
                state.ErrorForwarded = true;
            }

            return StreamOutcome.Failed;
        }

        if (chunk.Usage is { } usage)
        {
            state.Usage = usage;
        }

        state.SawFinishReason |= chunk.HasFinishReason;
        state.Events++;
        if (state.Answer is { } answer)
        {
            Quality.AnswerReader.ReadChunk(payload, answer);
        }

        if (state.StripUsage && chunk.IsUsageOnly)
        {
            // The client did not ask for usage: the gateway did, for its own accounting; the extra chunk is not relayed.
            return StreamOutcome.Continue;
        }

        if (!state.Committed && !TryCommit(context, ref state))
        {
            // A hedge's other call reached its first token first: this stream is dropped unseen.
            state.Failure = state.Leg!.LostFailure(state.Deployment);
            return StreamOutcome.Failed;
        }

        if (state.Answer is null && state.Log.ShadowCapture is { } shadow)
        {
            shadow.CaptureChunk(payload);
        }

        if (state.StripUsage && payload.IndexOf(UsageNull) is var at and >= 0)
        {
            // Asking for usage makes servers add "usage":null to every chunk; a client that did not ask never sees it.
            output.Write(DataPrefix);
            output.Write(payload[..at]);
            output.Write(payload[(at + UsageNull.Length)..]);
            output.Write(EventEnd);
        }
        else
        {
            WriteEvent(output, payload);
        }

        state.PendingFlush = true;
        return StreamOutcome.Continue;
    }

    private static ReadOnlySpan<byte> UsageNull => ",\"usage\":null"u8;

    /// <summary>Sends the stream's headers with its first event; false when a hedge's other call already has the response.</summary>
    private bool TryCommit(HttpContext context, ref StreamState state)
    {
        if (state.Leg is { } leg && !leg.TryWin(context))
        {
            return false;
        }

        state.Committed = true;
        if (state.Answer is not null)
        {
            // Buffered for the quality gate: the response is written when the request has decided.
            return true;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Tells nginx in front of the gateway not to buffer the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        state.FirstByte = _time.GetTimestamp();
        return true;
    }

    private static void WriteEvent(PipeWriter output, ReadOnlySpan<byte> payload)
    {
        var span = output.GetSpan(payload.Length + DataPrefix.Length + EventEnd.Length);
        DataPrefix.CopyTo(span);
        payload.CopyTo(span[DataPrefix.Length..]);
        EventEnd.CopyTo(span[(DataPrefix.Length + payload.Length)..]);
        output.Advance(payload.Length + DataPrefix.Length + EventEnd.Length);
    }

    private enum StreamOutcome
    {
        Continue,
        Done,
        Failed,
    }

    /// <summary>The state of one relayed stream.</summary>
    private struct StreamState(string deployment, bool stripUsage, HedgeLeg? leg, Quality.AnswerCollector? answer, Economics.DeploymentPrice? price, int promptEstimate, LogFields log)
    {
        /// <summary>The deployment's price for this call.</summary>
        public readonly Economics.DeploymentPrice? Price = price;

        /// <summary>The prompt's tokens as the parser estimated them, for a stream that reports no usage.</summary>
        public readonly int PromptEstimate = promptEstimate;

        /// <summary>The log of the call (a hedge leg's own), whose earlier calls' costs the cost comment adds in.</summary>
        public readonly LogFields Log = log;

        /// <summary>The answer read from the events, when the stream is buffered for the quality gate.</summary>
        public readonly Quality.AnswerCollector? Answer = answer;

        public readonly string Deployment = deployment;
        public readonly bool StripUsage = stripUsage;

        /// <summary>The hedge this stream is one call of, or <see langword="null"/>.</summary>
        public readonly HedgeLeg? Leg = leg;
        public bool Committed;
        public bool PendingFlush;
        public bool SawFinishReason;
        public bool ErrorForwarded;
        public int Events;
        public long FirstByte;
        public Usage? Usage;
        public UpstreamFailure? Failure;
        public byte[]? Scratch;
    }
}
