using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Switchyard.Simulator.Configuration;
using Switchyard.Simulator.Faults;
using Switchyard.Simulator.Generation;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// Serves <c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c>: parse, resolve the model, pick a fault, generate
/// the answers, then wait and write them as the model's timing and the fault say.
/// </summary>
/// <remarks>
/// <code>
/// body ─► parse ─► model (+ fault from name) ─► fault (header &gt; name &gt; configured rate) ─► latency plan
///   status faults (429/500/503/400), reset, no_response ─► answered here, no generation
///   context window check ─► generate n answers per prompt (deterministic) ─► usage, x-sim-quality
///   not streaming: wait TTFT + tokens/tps ─► one JSON body (cut faults abort, malformed truncates)
///   streaming:     headers ─► wait TTFT ─► per step: role chunk, TokensPerChunk tokens per choice, finish chunk,
///                  paced against a deadline schedule ─► usage chunk ─► [DONE]   (stream faults strike after step 1)
/// </code>
/// Every wait takes the request's token (client gone) linked with the host's stopping token, and the injected clock.
/// Instant models with no fault never touch the clock and write the whole stream with one flush per 16 KB.
/// </remarks>
internal sealed partial class GenerationHandler(
    SimulatorConfig config,
    SimulatorStats stats,
    TimeProvider time,
    SharedRandom random,
    ILogger logger,
    CancellationToken stopping)
{
    public const string QualityHeader = "x-sim-quality";
    public const string FaultResponseHeader = "x-sim-fault";

    private const int FlushThreshold = 16 * 1024;
    private static readonly TimeSpan DefaultSlowFirstToken = TimeSpan.FromSeconds(5);
    private static readonly StringValues EventStream = "text/event-stream";
    private static readonly StringValues NoCache = "no-cache";
    private static readonly StringValues[] QualityValues =
    [
        "good", "bad:refusal", "bad:truncated", "bad:empty", "bad:invalid_json", "bad:content_filter", "bad:wrong",
    ];

    /// <summary>
    /// Serves one request; <paramref name="model"/>, when given, is the model the URL names (Azure's deployment URLs),
    /// whatever the body says.
    /// </summary>
    public async Task HandleAsync(HttpContext context, EndpointKind endpoint, RequestOverrides overrides, string requestId, string? model = null)
    {
        GenerationRequest request;
        RequestError error;
        using (var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted))
        {
            if (!GenerationRequestParser.TryParse(body.WrittenSpan, endpoint, out request, out error, model))
            {
                await RejectAsync(context, error, requestId);
                return;
            }
        }

        if (model is not null)
        {
            request.Model = model;
        }

        if (request.Stream)
        {
            stats.Streaming();
        }

        if (request.Judge is not null)
        {
            stats.JudgeRequest();
        }

        if (!config.TryResolve(request.Model!, out var resolved, out error))
        {
            await RejectAsync(context, error, requestId);
            return;
        }

        var profile = resolved.Profile;
        var fault = FaultResponder.Pick(overrides, resolved, random);
        if (fault != SimulatorFault.None)
        {
            stats.FaultInjected(fault);
            SimulatorLog.FaultInjected(logger, requestId, FaultNames.Name(fault));
            context.Response.Headers[FaultResponseHeader] = FaultNames.Name(fault);
        }

        var plan = LatencyPlan.Create(profile, overrides, random);

        // PERF: only a request that waits needs the host's stopping token linked in.
        using var linked = plan.IsInstant && fault == SimulatorFault.None ? null : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = linked?.Token ?? context.RequestAborted;
        if (await FaultResponder.TryAnswerAsync(context, fault, resolved.Name, profile.ContextWindow, request.PromptTokens, request.MaxTokens, overrides, time, cancellationToken))
        {
            return;
        }

        if (request.PromptTokens + (request.MaxTokens ?? 0) > profile.ContextWindow)
        {
            await RejectAsync(context, RequestError.ContextLengthExceeded(profile.ContextWindow, request.PromptTokens, request.MaxTokens), requestId);
            return;
        }

        var answers = Generate(request, resolved, overrides.Quality, fault == SimulatorFault.ContentFilter);
        try
        {
            var details = Details(request, profile, answers);
            var completionTokens = details.ReasoningTokens * answers.Length;
            foreach (var answer in answers)
            {
                completionTokens += answer.TokenCount;
            }

            stats.Usage(request.PromptTokens, completionTokens);
            context.Response.Headers[QualityHeader] = QualityValues[(int)answers[0].Quality];
            var prefix = endpoint == EndpointKind.ChatCompletions ? "chatcmpl-" : "cmpl-";
            var identity = new ResponseIdentity(
                JsonFormat.Encode(prefix + requestId[4..]),
                time.GetUtcNow().ToUnixTimeSeconds(),
                resolved.EchoName,
                profile.Fingerprint,
                request.IncludeUsage);
            if (request.Stream)
            {
                await StreamAsync(context, request, answers, identity, profile, plan, fault, overrides, completionTokens, details, cancellationToken);
            }
            else
            {
                await AnswerAsync(context, request, answers, identity, plan, fault, overrides, details, cancellationToken);
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

    private static Answer[] Generate(GenerationRequest request, in ModelResolution model, QualityOverride quality, bool contentFilter)
    {
        var n = request.N;
        var answers = new Answer[request.Prompts.Length * n];
        var tools = request.UsesTools ? request.Tools : null;
        var forcedTool = request.ToolChoice == ToolChoiceMode.Function ? request.ToolChoiceName : null;
        try
        {
            for (var p = 0; p < request.Prompts.Length; p++)
            {
                var prompt = request.Prompts[p];
                for (var i = 0; i < n; i++)
                {
                    // Temperature 0 is greedy decoding: every choice is the same answer.
                    var salt = request.Temperature == 0 ? 0UL : (ulong)i;
                    var spec = new AnswerSpec(
                        model.Profile.Skill[(int)prompt.Kind],
                        StableHash.Combine(StableHash.Combine(prompt.Hash, model.NameHash), salt),
                        StableHash.Combine(prompt.Hash, salt),
                        prompt.Kind,
                        request.ResponseFormat,
                        request.ResponseSchema,
                        tools,
                        forcedTool,
                        request.ParallelToolCalls,
                        request.MaxTokens,
                        request.Stop,
                        quality,
                        contentFilter,
                        prompt.TrueAnswer,
                        model.Profile.WrongShare,
                        request.Judge);
                    answers[(p * n) + i] = AnswerGenerator.Generate(spec);
                }
            }

            return answers;
        }
        catch
        {
            foreach (var answer in answers)
            {
                answer?.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The prompt's cached tokens, from the model's prompt cache (which then remembers this prompt), and the hidden
    /// reasoning tokens of each answer: half to one and a half times the model's mean, drawn from the prompt's hash, and
    /// no more than <c>max_tokens</c> leaves after the longest visible answer.
    /// </summary>
    private static UsageDetails Details(GenerationRequest request, ModelProfile profile, Answer[] answers)
    {
        var cached = profile.PrefixCache is { } cache && request.Prefixes.Length > 0 ? cache.Lookup(request.Prefixes, request.PromptTokens) : 0;
        var reasoning = 0;
        if (profile.ReasoningTokens > 0 && request.Prompts.Length > 0)
        {
            reasoning = (int)(profile.ReasoningTokens * (0.5 + StableHash.Unit(StableHash.Combine(request.Prompts[0].Hash, profile.NameHash))));
            if (request.MaxTokens is { } max)
            {
                var longest = 0;
                foreach (var answer in answers)
                {
                    longest = Math.Max(longest, answer.TokenCount);
                }

                reasoning = Math.Clamp(max - longest, 0, reasoning);
            }
        }

        return new UsageDetails(cached, reasoning);
    }

    private async Task AnswerAsync(HttpContext context, GenerationRequest request, Answer[] answers, ResponseIdentity identity, LatencyPlan plan, SimulatorFault fault, RequestOverrides overrides, UsageDetails details, CancellationToken cancellationToken)
    {
        if (fault == SimulatorFault.Stall)
        {
            await FaultResponder.WaitForeverAsync(time, cancellationToken);
            return;
        }

        var longest = 0;
        foreach (var answer in answers)
        {
            longest = Math.Max(longest, answer.TokenCount);
        }

        // Each choice reasons before it answers: its hidden tokens are decoded too.
        var delay = plan.TimeToFirstToken + plan.ForTokens(longest + details.ReasoningTokens) + SlowFirstTokenDelay(fault, overrides);
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
            if (request.Endpoint == EndpointKind.ChatCompletions)
            {
                ChatResponseWriter.WriteCompletion(writer, identity, answers, request.PromptTokens, request.Logprobs, request.TopLogprobs, details with { ReasoningTokens = details.ReasoningTokens * answers.Length });
            }
            else
            {
                CompletionResponseWriter.WriteCompletion(writer, identity, answers, request.PromptTokens, request.Logprobs, request.TopLogprobs);
            }

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

    private async Task StreamAsync(
        HttpContext context,
        GenerationRequest request,
        Answer[] answers,
        ResponseIdentity identity,
        ModelProfile profile,
        LatencyPlan plan,
        SimulatorFault fault,
        RequestOverrides overrides,
        int completionTokens,
        UsageDetails details,
        CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.ContentType = EventStream;
        response.Headers.CacheControl = NoCache;
        var instant = plan.IsInstant && fault == SimulatorFault.None;
        using var sse = new SseWriter(response.BodyWriter);
        if (!instant)
        {
            // Headers go out at once, as vLLM and OpenAI send them before the first token.
            await response.StartAsync(cancellationToken);
            await sse.FlushAsync(cancellationToken);
        }

        if (fault == SimulatorFault.CutBeforeFirstChunk)
        {
            throw new ConnectionCutException();
        }

        var firstDelay = plan.TimeToFirstToken + plan.ForTokens(details.ReasoningTokens) + SlowFirstTokenDelay(fault, overrides);
        if (firstDelay > TimeSpan.Zero)
        {
            await Task.Delay(firstDelay, time, cancellationToken);
        }

        var chat = request.Endpoint == EndpointKind.ChatCompletions;
        var perChunk = Math.Max(1, profile.TokensPerChunk);
        var interval = plan.ForTokens(perChunk);
        var started = interval > TimeSpan.Zero ? time.GetTimestamp() : 0;
        var cursors = new StreamCursor[answers.Length];
        var remaining = answers.Length;
        for (var step = 0; remaining > 0; step++)
        {
            if (step > 0 && interval > TimeSpan.Zero)
            {
                // Deadlines, not sleeps: step k is due k intervals after the first token, so timer slack never accumulates.
                var wait = (interval * step) - time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await sse.FlushAsync(cancellationToken);
                    await Task.Delay(wait, time, cancellationToken);
                }
            }

            for (var c = 0; c < answers.Length; c++)
            {
                if (cursors[c].Finished)
                {
                    continue;
                }

                if (chat)
                {
                    WriteChatStep(sse, identity, c, answers[c], ref cursors[c], perChunk, request.Logprobs, request.TopLogprobs);
                }
                else
                {
                    WriteCompletionStep(sse, identity, c, answers[c], ref cursors[c], perChunk, request.Logprobs, request.TopLogprobs);
                }

                if (cursors[c].Finished)
                {
                    remaining--;
                }
            }

            if (step == 0 && fault is SimulatorFault.CutAfterFirstChunk or SimulatorFault.Stall or SimulatorFault.MalformedChunk)
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
                        sse.WriteRaw("data: {\"id\":\""u8);
                        sse.WriteRaw(identity.Id.EncodedUtf8Bytes);
                        sse.WriteRaw("\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\n\n"u8);
                        break;
                }
            }

            if (!instant || sse.Unflushed > FlushThreshold)
            {
                await sse.FlushAsync(cancellationToken);
            }
        }

        if (request.IncludeUsage)
        {
            var writer = sse.BeginEvent();
            if (chat)
            {
                ChatResponseWriter.WriteUsageChunk(writer, identity, request.PromptTokens, completionTokens, details with { ReasoningTokens = details.ReasoningTokens * answers.Length });
            }
            else
            {
                CompletionResponseWriter.WriteUsageChunk(writer, identity, request.PromptTokens, completionTokens);
            }

            sse.EndEvent();
        }

        if (fault != SimulatorFault.MissingDone)
        {
            sse.WriteDone();
        }

        await sse.FlushAsync(cancellationToken);
    }

    /// <summary>One step of one chat choice: the role chunk first, then up to <paramref name="perChunk"/> tokens, then the finish chunk.</summary>
    private static void WriteChatStep(SseWriter sse, in ResponseIdentity identity, int choice, Answer answer, ref StreamCursor cursor, int perChunk, bool logprobs, int topLogprobs)
    {
        if (!cursor.Started)
        {
            cursor.Started = true;
            var roleWriter = sse.BeginEvent();
            ChatResponseWriter.WriteRoleChunk(roleWriter, identity, choice, answer);
            sse.EndEvent();
            if (answer.HasToolCalls)
            {
                cursor.Tool = 0;
                cursor.HeaderSent = true;
                cursor.Token = answer.ToolCalls![0].FirstToken;
            }
            else
            {
                cursor.Tool = -1;
            }
        }

        if (cursor.Tool < 0)
        {
            var end = Math.Min(cursor.Token + perChunk, answer.ContentTokenCount);
            if (end > cursor.Token)
            {
                var writer = sse.BeginEvent();
                ChatResponseWriter.WriteContentChunk(writer, identity, choice, answer, cursor.Token, end, logprobs, topLogprobs);
                sse.EndEvent();
                cursor.Token = end;
            }

            if (cursor.Token >= answer.ContentTokenCount)
            {
                Finish(sse, identity, choice, answer, ref cursor);
            }

            return;
        }

        var call = answer.ToolCalls![cursor.Tool];
        if (!cursor.HeaderSent)
        {
            var writer = sse.BeginEvent();
            ChatResponseWriter.WriteToolHeaderChunk(writer, identity, choice, cursor.Tool, call);
            sse.EndEvent();
            cursor.HeaderSent = true;
        }

        var argsEnd = Math.Min(cursor.Token + perChunk, call.EndToken);
        if (argsEnd > cursor.Token)
        {
            var writer = sse.BeginEvent();
            ChatResponseWriter.WriteToolArgumentsChunk(writer, identity, choice, cursor.Tool, answer, cursor.Token, argsEnd);
            sse.EndEvent();
            cursor.Token = argsEnd;
        }

        if (cursor.Token >= call.EndToken)
        {
            cursor.Tool++;
            if (cursor.Tool >= answer.ToolCalls.Count)
            {
                Finish(sse, identity, choice, answer, ref cursor);
            }
            else
            {
                cursor.Token = answer.ToolCalls[cursor.Tool].FirstToken;
                cursor.HeaderSent = false;
            }
        }
    }

    private static void Finish(SseWriter sse, in ResponseIdentity identity, int choice, Answer answer, ref StreamCursor cursor)
    {
        var writer = sse.BeginEvent();
        ChatResponseWriter.WriteFinishChunk(writer, identity, choice, answer.FinishReason);
        sse.EndEvent();
        cursor.Finished = true;
    }

    /// <summary>One step of one legacy choice: up to <paramref name="perChunk"/> tokens, then a last chunk with the finish reason.</summary>
    private static void WriteCompletionStep(SseWriter sse, in ResponseIdentity identity, int choice, Answer answer, ref StreamCursor cursor, int perChunk, bool logprobs, int topLogprobs)
    {
        cursor.Started = true;
        var end = Math.Min(cursor.Token + perChunk, answer.TokenCount);
        if (end > cursor.Token)
        {
            var writer = sse.BeginEvent();
            CompletionResponseWriter.WriteChunk(writer, identity, choice, answer, cursor.Token, end, null, logprobs, topLogprobs);
            sse.EndEvent();
            cursor.Token = end;
        }

        if (cursor.Token >= answer.TokenCount)
        {
            var writer = sse.BeginEvent();
            CompletionResponseWriter.WriteChunk(writer, identity, choice, answer, cursor.Token, cursor.Token, answer.FinishReason, logprobs: false, topLogprobs);
            sse.EndEvent();
            cursor.Finished = true;
        }
    }

    private static TimeSpan SlowFirstTokenDelay(SimulatorFault fault, in RequestOverrides overrides)
        => fault != SimulatorFault.SlowFirstToken ? TimeSpan.Zero
            : overrides.FaultDelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : DefaultSlowFirstToken;

    private async Task RejectAsync(HttpContext context, RequestError error, string requestId, bool anthropic = false)
    {
        stats.BadRequest();
        SimulatorLog.BadRequest(logger, requestId, error.Status, error.Code, error.Message);
        await JsonResponse.SendErrorAsync(context, error, context.RequestAborted, anthropic);
    }

    /// <summary>Where one choice's stream stands.</summary>
    private struct StreamCursor
    {
        public bool Started;
        public bool Finished;
        public bool HeaderSent;
        public int Tool;
        public int Token;
    }
}
