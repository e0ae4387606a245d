using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Forwarding.Internal;
using Switchyard.Gateway.Quality;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

internal sealed partial class RequestForwarder
{
    /// <summary>Response header: the judge model's verdict on the answer the client got, when it was judged (<c>gpt-4o 9/10: correct</c>).</summary>
    public const string JudgeHeader = "x-switchyard-quality-judge";

    /// <summary>Largest answer read from a judge or a second sample.</summary>
    private const int MaxCheckAnswerBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The checks that call a model, on an answer that passed the cheap ones and could still escalate: the judge scores it,
    /// a second sample of the same tier is compared with it; both at once, each bounded by its timeout and budget. Their
    /// calls are logged as attempts with outcome <c>judge</c> or <c>agreement</c> but are not counted in the request's
    /// attempts (those are the calls for the answer).
    /// </summary>
    private async Task CheckWithModelsAsync(
        HttpContext context,
        EndpointKind endpoint,
        HeldAnswer held,
        GatedRequest gated,
        ReadOnlyMemory<byte> body,
        ParsedRequest parsed,
        RouteTable table,
        Route route,
        Tier tier,
        bool confidential,
        LogFields log,
        string requestId)
    {
        var gate = gated.Gate;
        var config = gate.Config;
        var text = held.Text();
        if (string.IsNullOrWhiteSpace(text))
        {
            // Tool calls (or nothing): neither a rubric nor a comparison of texts applies.
            return;
        }

        var judge = config.Judge is { } judgeConfig && (judgeConfig.Sample >= 1 || _random.NextDouble() < judgeConfig.Sample)
            ? JudgeAsync(context, endpoint, text, judgeConfig, gate.JudgeBudget, body, table, confidential, requestId)
            : null;
        var agreement = config.Agreement is { } agreementConfig && (agreementConfig.Sample >= 1 || _random.NextDouble() < agreementConfig.Sample)
            ? AgreeAsync(context, endpoint, text, held, agreementConfig, gate.AgreementBudget, gated.Format.Kind != AnswerFormatKind.Text, body, parsed, tier, confidential, requestId)
            : null;

        var verdict = held.Verdict;
        foreach (var task in new[] { judge, agreement })
        {
            if (task is null)
            {
                continue;
            }

            var outcome = await task;
            if (outcome.Deployment is not null)
            {
                // The call is the check deployment's spending: under its own tier of the route, or none for a judge outside them.
                log.Record(new AttemptRecord(outcome.Deployment, outcome.Tier ?? TierOf(route, outcome.Deployment), outcome.Outcome, outcome.Status, outcome.Milliseconds, Quality: outcome.Applied ? outcome.Value : null)
                {
                    Spend = outcome.Usage is null ? Spend.None : Spend.Check,
                    Usage = outcome.Usage,
                    Price = outcome.Price,
                    Error = outcome.Error,
                });
            }

            if (outcome.Check == QualityCheck.Judge && outcome.Applied)
            {
                held.JudgeScore = outcome.Value;
                held.JudgeSummary = outcome.Summary;
            }

            if (outcome.Check == QualityCheck.Agreement && outcome.Applied)
            {
                held.AgreementScore = outcome.Value;
            }

            if (outcome.Applied)
            {
                verdict = gate.With(verdict, outcome.Check, outcome.Pass, outcome.Reason);
            }
        }

        held.Verdict = verdict;
    }

    /// <summary>Asks the judge deployment to score <paramref name="answer"/> against the rubric.</summary>
    private async Task<CheckOutcome> JudgeAsync(
        HttpContext context,
        EndpointKind endpoint,
        string answer,
        JudgeConfig config,
        TokenBudget? budget,
        ReadOnlyMemory<byte> body,
        RouteTable table,
        bool confidential,
        string requestId)
    {
        var deployment = table.Find(config.Deployment);
        if (deployment is null)
        {
            return CheckOutcome.NotRun(QualityCheck.Judge);
        }

        if (confidential && deployment.IsExternal)
        {
            // A confidential prompt never leaves, not even to be graded.
            return CheckOutcome.Skipped(QualityCheck.Judge, deployment.Name, "judge_skipped:confidential");
        }

        var request = JudgePrompt.Build(body.Span, endpoint == EndpointKind.ChatCompletions, answer, config, deployment.Config.Model, out var promptTokens);
        var estimate = (long)promptTokens + config.MaxTokens;
        if (budget is not null && !budget.TryReserve(estimate))
        {
            return CheckOutcome.Skipped(QualityCheck.Judge, deployment.Name, "judge_skipped:budget");
        }

        var call = await CallForCheckTracedAsync(QualityCheck.Judge, context, deployment, EndpointKind.ChatCompletions, request, config.Timeout, requestId);
        budget?.Settle(estimate, call.Usage is { } used ? used.PromptTokens + used.CompletionTokens : estimate);
        if (call.Problem is { } problem)
        {
            return Failed(QualityCheck.Judge, config.OnError, deployment.Name, call, $"judge {deployment.Name} could not judge the answer: {problem}");
        }

        if (!JudgePrompt.TryReadVerdict(call.Text!, out var score, out var reason))
        {
            return Failed(QualityCheck.Judge, config.OnError, deployment.Name, call, $"judge {deployment.Name} answered without a score from 0 to 10: '{Excerpt(call.Text!)}'");
        }

        var value = score / 10;
        var pass = value >= config.MinScore;
        var summary = string.Create(CultureInfo.InvariantCulture, $"{deployment.Name} {score:0.#}/10") + (reason is null ? "" : ": " + Excerpt(reason));
        return new CheckOutcome(QualityCheck.Judge, Applied: true, value, pass,
            pass ? null : string.Create(CultureInfo.InvariantCulture, $"judge {summary} (min_score {config.MinScore})"),
            deployment.Name, null, "judge", call.Status, call.Milliseconds, call.Usage, summary, call.Price);
    }

    /// <summary>Samples the same request once more from <paramref name="tier"/> and compares the answers.</summary>
    private async Task<CheckOutcome> AgreeAsync(
        HttpContext context,
        EndpointKind endpoint,
        string answer,
        HeldAnswer held,
        AgreementConfig config,
        TokenBudget? budget,
        bool json,
        ReadOnlyMemory<byte> body,
        ParsedRequest parsed,
        Tier tier,
        bool confidential,
        string requestId)
    {
        // Another replica of the tier when there is one (its answer is as independent as a sample can be), else the same.
        Deployment? chosen = null;
        foreach (var member in tier.Members)
        {
            if (confidential && member.IsExternal)
            {
                continue;
            }

            if (member.Name != held.Deployment && member.Health.Unavailable is null)
            {
                chosen = member;
                break;
            }

            if (member.Name == held.Deployment)
            {
                chosen ??= member;
            }
        }

        if (chosen is null)
        {
            return CheckOutcome.NotRun(QualityCheck.Agreement);
        }

        var estimate = (long)parsed.EstimatedPromptTokens + (parsed.MaxTokens ?? held.Usage?.CompletionTokens ?? 256);
        if (budget is not null && !budget.TryReserve(estimate))
        {
            return CheckOutcome.Skipped(QualityCheck.Agreement, chosen.Name, "agreement_skipped:budget");
        }

        byte[] request;
        try
        {
            request = SecondSample(body.Span, chosen.Config.Model, config.Temperature);
        }
        catch (System.Text.Json.JsonException)
        {
            budget?.Settle(estimate, 0);
            return CheckOutcome.NotRun(QualityCheck.Agreement);
        }

        var call = await CallForCheckTracedAsync(QualityCheck.Agreement, context, chosen, endpoint, request, config.Timeout, requestId);
        budget?.Settle(estimate, call.Usage is { } used ? used.PromptTokens + used.CompletionTokens : estimate);
        if (call.Problem is { } problem)
        {
            return Failed(QualityCheck.Agreement, config.OnError, chosen.Name, call, $"agreement: the second sample from {chosen.Name} failed: {problem}");
        }

        var value = AnswerAgreement.Compare(answer, call.Text!, config, json, out var agree, out var how);
        return new CheckOutcome(QualityCheck.Agreement, Applied: true, value, agree,
            agree ? null : $"agreement: a second sample from {chosen.Name} disagrees ({how})",
            chosen.Name, tier.Name, "agreement", call.Status, call.Milliseconds, call.Usage, how, call.Price);
    }

    /// <summary>
    /// The client's request as a second, independent sample: not streamed, one choice, another seed (the client's plus
    /// one, or a random one), and the configured temperature if there is one.
    /// </summary>
    internal static byte[] SecondSample(ReadOnlySpan<byte> body, string model, double? temperature)
    {
        var node = JsonNode.Parse(body)?.AsObject() ?? throw new System.Text.Json.JsonException("the body is not an object");
        node["model"] = model;
        node["stream"] = false;
        node.Remove("stream_options");
        node.Remove("n");
        var seed = node["seed"] is JsonValue value && value.TryGetValue<long>(out var given) ? unchecked(given + 1) : Random.Shared.NextInt64(1, int.MaxValue);
        node["seed"] = seed;
        if (temperature is { } t)
        {
            node["temperature"] = t;
        }

        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>One non-streaming call made for a check: its answer's text and usage, or what went wrong.</summary>
    private async Task<CheckCall> CallForCheckAsync(HttpContext context, Deployment deployment, EndpointKind endpoint, byte[] request, TimeSpan timeout, string requestId)
    {
        var start = _time.GetTimestamp();
        var price = deployment.Price;
        if (!deployment.Health.TryAcquire())
        {
            return new CheckCall(null, null, 0, 0, $"at its max_concurrency of {deployment.Health.MaxConcurrency}", null);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await deployment.Upstream.SendAsync(endpoint, request, requestId, deadline.Token);
            var status = (int)response.StatusCode;
            var bytes = await ReadBoundedAsync(response.Content, MaxCheckAnswerBytes, deadline.Token);
            var milliseconds = _time.GetElapsedTime(start).TotalMilliseconds;
            if (status is < 200 or > 299)
            {
                var message = UpstreamErrorReader.Describe(bytes, out _) ?? UpstreamErrorReader.Excerpt(bytes);
                return new CheckCall(null, null, status, milliseconds, $"it answered {status}" + (string.IsNullOrEmpty(message) ? "" : ": " + message), price);
            }

            if (!UsageReader.TryRead(bytes, out var usage, out var isError) || isError)
            {
                return new CheckCall(null, usage, status, milliseconds, "its answer is not a completion", price);
            }

            if (usage is { } served && deployment.Meter is { } meter)
            {
                meter.Add(served.PromptTokens + served.CompletionTokens, _time.GetUtcNow());
            }

            using var collected = new AnswerCollector();
            AnswerReader.ReadCompletion(bytes, collected);
            return new CheckCall(collected.Text.ToString(), usage, status, milliseconds, null, price);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            var milliseconds = _time.GetElapsedTime(start).TotalMilliseconds;
            return new CheckCall(null, null, 0, milliseconds, context.RequestAborted.IsCancellationRequested ? "the client disconnected"
                : e is OperationCanceledException ? $"no answer within {Describe(timeout)}"
                : $"the connection failed: {e.Message}", price);
        }
        finally
        {
            deployment.Health.Release();
        }
    }

    private static CheckOutcome Failed(QualityCheck check, CheckErrorPolicy policy, string deployment, CheckCall call, string reason)
    {
        var name = check == QualityCheck.Judge ? "judge" : "agreement";
        return policy == CheckErrorPolicy.Fail
            ? new CheckOutcome(check, Applied: true, 0, Pass: false, reason + " (on_error: fail)", deployment, null, name + "_error", call.Status, call.Milliseconds, call.Usage, reason, call.Price, Error: reason)
            : new CheckOutcome(check, Applied: false, 0, Pass: true, null, deployment, null, name + "_error", call.Status, call.Milliseconds, call.Usage, reason, call.Price, Error: reason);
    }

    private static string Excerpt(string text)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= 160 ? flat : string.Concat(flat.AsSpan(0, 157), "...");
    }

    /// <summary>The tier of <paramref name="route"/> that has <paramref name="deployment"/>, or <see langword="null"/>.</summary>
    private static string? TierOf(Route route, string deployment)
    {
        foreach (var tier in route.Tiers)
        {
            foreach (var member in tier.Members)
            {
                if (member.Name == deployment)
                {
                    return tier.Name;
                }
            }
        }

        return null;
    }

    /// <summary>A call made for a check: the answer's text, or the problem; and the price its tokens are charged at.</summary>
    private readonly record struct CheckCall(string? Text, Usage? Usage, int Status, double Milliseconds, string? Problem, Economics.DeploymentPrice? Price);

    /// <summary>What a check that calls a model found, and how its call goes in the log.</summary>
    private readonly record struct CheckOutcome(
        QualityCheck Check,
        bool Applied,
        double Value,
        bool Pass,
        string? Reason,
        string? Deployment,
        string? Tier,
        string Outcome,
        int Status,
        double Milliseconds,
        Usage? Usage,
        string? Summary,
        Economics.DeploymentPrice? Price = null,
        string? Error = null)
    {
        /// <summary>The check could not be made and no call was tried (nothing to log).</summary>
        public static CheckOutcome NotRun(QualityCheck check) => new(check, false, 0, true, null, null, null, "", 0, 0, null, null);

        /// <summary>The check was passed over before any call (budget spent, confidential): logged, not scored.</summary>
        public static CheckOutcome Skipped(QualityCheck check, string deployment, string outcome) => new(check, false, 0, true, null, deployment, null, outcome, 0, 0, null, null);
    }
}
