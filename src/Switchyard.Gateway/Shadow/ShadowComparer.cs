using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Forwarding.Internal;
using Switchyard.Gateway.Quality;
using Switchyard.Gateway.Routing;
using Switchyard.Storage.Shadow;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// Compares one shadowed request in the background: asks the candidate the client's question, checks both answers with
/// the route's quality gate (or the default checks), compares them (agreement), has a judge score both when configured,
/// and says which did better. Every call is bounded by the shadow's timeout and paid from its budget.
/// </summary>
/// <remarks>
/// <code>
/// job ─► candidate known? in-house if confidential? ─► budget: reserve the worst case (candidate at max_tokens, 2 judge calls)
///     ─► candidate call (not streamed, same seed, max_tokens capped) ─► gate(both) ─► agreement ─► judge(both) ─► settle ─► comparison
/// </code>
/// </remarks>
internal sealed class ShadowComparer(TimeProvider time, ILogger logger)
{
    /// <summary>Largest answer read from the candidate or a judge.</summary>
    private const int MaxAnswerBytes = 4 * 1024 * 1024;

    /// <summary>The default checks, for a route without a quality gate.</summary>
    private static readonly QualityGate DefaultGate = new(new QualityConfig());

    /// <summary>Compares the job's answers; <see langword="null"/> when it was left out (counted in <paramref name="counts"/>).</summary>
    public async Task<ShadowComparison?> CompareAsync(ShadowJob job, ShadowBudget? budget, ShadowCounts counts, CancellationToken cancellationToken)
    {
        var config = job.Config;
        var table = job.Snapshot.Routes;
        if (table.Find(config.Deployment) is not { } candidate)
        {
            // The candidate left the configuration between the request and now.
            return null;
        }

        if (job.Confidential is not null && candidate.IsExternal)
        {
            // SECURITY: checked again here (the configuration may have changed since the request was picked).
            counts.Confidential();
            return null;
        }

        var judgeDeployment = (config.Compare & ShadowCompare.Judge) != 0 && config.Judge is { } judgeConfig ? table.Find(judgeConfig.Deployment) : null;
        var judging = judgeDeployment is not null && !(job.Confidential is not null && judgeDeployment.IsExternal);
        var promptTokens = job.IncumbentUsage?.PromptTokens ?? (job.Body.Length / 4);
        var clientMax = ClientMaxTokens(job.Body);
        var maxTokens = clientMax ?? Math.Max(1024, 4 * (job.IncumbentUsage?.CompletionTokens ?? 256));
        var reserved = 0m;
        if (budget is not null)
        {
            reserved = WorstCase(candidate, promptTokens, maxTokens)
                + (judging ? 2 * WorstCase(judgeDeployment!, promptTokens + maxTokens + JudgePrompt.OverheadTokens(config.Judge!), config.Judge!.MaxTokens) : 0);
            if (!budget.TryReserve(reserved, time.GetUtcNow()))
            {
                counts.OverBudget();
                return null;
            }
        }

        var spent = 0m;
        try
        {
            byte[] request;
            try
            {
                request = CandidateBody(job.Body, candidate.Config.Model, clientMax is null ? maxTokens : null);
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }

            using var call = await CallAsync(candidate, job.Endpoint, request, config.Timeout, job.RequestId + ".shadow", cancellationToken);
            spent += Money(call.Cost);
            var format = AnswerFormat.Read(job.Body);
            var gate = job.Gate ?? DefaultGate;
            var incumbentText = job.Incumbent.Text.ToString();
            var incumbentVerdict = gate.Evaluate(job.Incumbent, format, AtLimit(clientMax, job.IncumbentUsage));
            var comparison = new ShadowComparison
            {
                Timestamp = job.Timestamp,
                RequestId = job.RequestId,
                Route = job.Route,
                Endpoint = job.Endpoint == EndpointKind.Completions ? "completions" : "chat.completions",
                Label = job.Label,
                Tags = job.Tags,
                Confidential = job.Confidential,
                Request = config.RecordText ? System.Text.Encoding.UTF8.GetString(job.Body) : null,
                IncumbentDeployment = job.IncumbentDeployment,
                IncumbentTier = job.IncumbentTier,
                IncumbentAnswer = config.RecordText ? incumbentText : null,
                IncumbentScore = Math.Round(incumbentVerdict.Score, 4),
                IncumbentFailed = incumbentVerdict.FailedNames,
                IncumbentLatencyMs = Math.Round(job.IncumbentLatencyMs, 2),
                IncumbentInputTokens = job.IncumbentUsage?.PromptTokens,
                IncumbentOutputTokens = job.IncumbentUsage?.CompletionTokens,
                IncumbentCostUsd = job.IncumbentCost,
                CandidateDeployment = candidate.Name,
                CandidateLatencyMs = Math.Round(call.Milliseconds, 2),
                CandidateInputTokens = call.Usage?.PromptTokens,
                CandidateOutputTokens = call.Usage?.CompletionTokens,
                CandidateCostUsd = call.Cost,
                CandidateError = call.Problem,
            };
            if (call.Problem is { } problem)
            {
                ShadowLog.CandidateFailed(logger, job.RequestId, candidate.Name, problem);
                counts.Compared(candidateFailed: true);
                return comparison;
            }

            var candidateText = call.Answer!.Text.ToString();
            var candidateVerdict = gate.Evaluate(call.Answer, format, AtLimit(clientMax ?? maxTokens, call.Usage));
            comparison = comparison with
            {
                CandidateAnswer = config.RecordText ? candidateText : null,
                CandidateScore = Math.Round(candidateVerdict.Score, 4),
                CandidateFailed = candidateVerdict.FailedNames,
            };

            if ((config.Compare & ShadowCompare.Agreement) != 0 && incumbentText.Length > 0 && candidateText.Length > 0)
            {
                var agreement = AnswerAgreement.Compare(incumbentText, candidateText, gate.Config.Agreement ?? new AgreementConfig(), format.Kind != AnswerFormatKind.Text, out _, out var how);
                comparison = comparison with { Agreement = Math.Round(agreement, 4), AgreementDetail = how };
            }

            if (judging && incumbentText.Length > 0 && candidateText.Length > 0)
            {
                var incumbentJudged = await JudgeAsync(judgeDeployment!, config.Judge!, job, incumbentText, config.Timeout, ".judge-incumbent", cancellationToken);
                var candidateJudged = await JudgeAsync(judgeDeployment!, config.Judge!, job, candidateText, config.Timeout, ".judge-candidate", cancellationToken);
                spent += Money(incumbentJudged.Cost) + Money(candidateJudged.Cost);
                comparison = comparison with
                {
                    IncumbentJudgeScore = incumbentJudged.Score,
                    CandidateJudgeScore = candidateJudged.Score,
                    JudgeCostUsd = incumbentJudged.Cost is null && candidateJudged.Cost is null ? null : (incumbentJudged.Cost ?? 0) + (candidateJudged.Cost ?? 0),
                };
            }

            counts.Compared(candidateFailed: false);
            var byQuality = (config.Compare & ShadowCompare.Quality) != 0;
            var winner = byQuality
                ? Winner(Overall(gate, incumbentVerdict, comparison.IncumbentJudgeScore, config.Judge), Overall(gate, candidateVerdict, comparison.CandidateJudgeScore, config.Judge), comparison.Agreement)
                : Winner(comparison.IncumbentJudgeScore, comparison.CandidateJudgeScore, comparison.Agreement);
            return comparison with { Winner = winner };
        }
        finally
        {
            budget?.Settle(reserved, spent, time.GetUtcNow());
        }
    }

    /// <summary>
    /// An answer's score as the route's gate would give it: its checks, and the judge's verdict added in as the gate adds it
    /// (a pass or a fail at the judge's <c>min_score</c>, at the judge's weight) when the answer was judged.
    /// </summary>
    private static double Overall(QualityGate gate, QualityVerdict verdict, double? judgeScore, JudgeConfig? judge)
        => judgeScore is { } score && judge is not null ? gate.With(verdict, QualityCheck.Judge, score >= judge.MinScore, null).Score : verdict.Score;

    /// <summary>
    /// Who did better, by the two scores (the quality checks with the judge's verdict, or the judge's alone); with no
    /// scores, a tie when the answers agree and no winner when they do not.
    /// </summary>
    internal static string? Winner(double? incumbent, double? candidate, double? agreement)
    {
        if (incumbent is { } a && candidate is { } b)
        {
            return Math.Abs(a - b) < 1e-9 ? "tie" : a > b ? "incumbent" : "candidate";
        }

        return agreement is >= 1 ? "tie" : null;
    }

    /// <summary>The client's request for the candidate: its model, not streamed, one choice, and a cap on its tokens when the client set none.</summary>
    internal static byte[] CandidateBody(byte[] body, string model, int? maxTokens)
    {
        var node = JsonNode.Parse(body)?.AsObject() ?? throw new System.Text.Json.JsonException("the body is not an object");
        node["model"] = model;
        node["stream"] = false;
        node.Remove("stream_options");
        node.Remove("n");
        if (maxTokens is { } cap)
        {
            // PERF: without a cap the shadow's worst case (and so its budget's reservation) would be unbounded.
            node["max_tokens"] = cap;
        }

        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>The client's <c>max_tokens</c> (or <c>max_completion_tokens</c>), when it set one.</summary>
    private static int? ClientMaxTokens(byte[] body)
    {
        var node = JsonNode.Parse(body);
        var limit = node?["max_tokens"] ?? node?["max_completion_tokens"];
        return limit is JsonValue value && value.TryGetValue<int>(out var max) ? max : null;
    }

    private static bool AtLimit(int? limit, Usage? usage) => limit is { } max && (usage is not { } used || used.CompletionTokens >= max);

    private static decimal WorstCase(Deployment deployment, int promptTokens, int outputTokens)
        => deployment.WorstCasePrice is { } price ? (decimal)price.Cost(promptTokens, outputTokens) : 0;

    private static decimal Money(double? dollars) => dollars is { } value ? (decimal)value : 0;

    private async Task<(double? Score, double? Cost)> JudgeAsync(Deployment judge, JudgeConfig config, ShadowJob job, string answer, TimeSpan timeout, string suffix, CancellationToken cancellationToken)
    {
        var request = JudgePrompt.Build(job.Body, job.Endpoint == EndpointKind.ChatCompletions, answer, config, judge.Config.Model, out _);
        using var call = await CallAsync(judge, EndpointKind.ChatCompletions, request, timeout, job.RequestId + suffix, cancellationToken);
        return call.Answer is { } verdict && JudgePrompt.TryReadVerdict(verdict.Text.ToString(), out var score, out _)
            ? (Math.Round(score / 10, 4), call.Cost)
            : (null, call.Cost);
    }

    /// <summary>One call made for the shadow, not streamed: the answer read, its usage and cost, or what went wrong.</summary>
    private async Task<ShadowCall> CallAsync(Deployment deployment, EndpointKind endpoint, byte[] request, TimeSpan timeout, string requestId, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var price = deployment.Price;
        if (!deployment.Health.TryAcquire())
        {
            // The shadow never takes the last slot a live request could have had.
            return new ShadowCall(null, null, 0, null, $"at its max_concurrency of {deployment.Health.MaxConcurrency}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await deployment.Upstream.SendAsync(endpoint, request, requestId, deadline.Token);
            var status = (int)response.StatusCode;
            var bytes = await ReadBoundedAsync(response.Content, deadline.Token);
            var milliseconds = time.GetElapsedTime(start).TotalMilliseconds;
            if (status is < 200 or > 299)
            {
                var message = UpstreamErrorReader.Describe(bytes, out _) ?? UpstreamErrorReader.Excerpt(bytes);
                return new ShadowCall(null, null, milliseconds, null, $"it answered {status}" + (string.IsNullOrEmpty(message) ? "" : ": " + message));
            }

            if (!UsageReader.TryRead(bytes, out var usage, out var isError) || isError)
            {
                return new ShadowCall(null, usage, milliseconds, Cost(price, usage), "its answer is not a completion");
            }

            if (usage is { } served && deployment.Meter is { } meter)
            {
                meter.Add(served.PromptTokens + served.CompletionTokens, time.GetUtcNow());
            }

            var answer = new AnswerCollector();
            AnswerReader.ReadCompletion(bytes, answer);
            return new ShadowCall(answer, usage, milliseconds, Cost(price, usage), null);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            var milliseconds = time.GetElapsedTime(start).TotalMilliseconds;
            return new ShadowCall(null, null, milliseconds, null, cancellationToken.IsCancellationRequested ? "the gateway is stopping"
                : e is OperationCanceledException ? string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0.#} s")
                : $"the connection failed: {e.Message}");
        }
        finally
        {
            deployment.Health.Release();
        }

        static double? Cost(Economics.DeploymentPrice? price, Usage? usage) => price is not null && usage is { } used ? Math.Round(price.Cost(used), 10) : null;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxAnswerBytes)
            {
                throw new IOException($"the answer is larger than {MaxAnswerBytes:N0} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>A shadow call's outcome; owns the answer's pooled text.</summary>
    private sealed record ShadowCall(AnswerCollector? Answer, Usage? Usage, double Milliseconds, double? Cost, string? Problem) : IDisposable
    {
        public void Dispose() => Answer?.Dispose();
    }
}
