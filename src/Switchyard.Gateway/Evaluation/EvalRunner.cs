using System.Globalization;
using Switchyard.Gateway.Evaluation.Scoring;
using Switchyard.Storage.Evaluation;

namespace Switchyard.Gateway.Evaluation;

/// <summary>
/// Asks every case of a suite of every model, as many times as <c>--repeat</c> says, through the gateway, at most
/// <c>--concurrency</c> at once, and scores each answer as it comes. Each result is handed to the caller as soon as it
/// is scored (the CLI stores them as they come), so a run stopped half-way keeps what it measured.
/// </summary>
/// <remarks>
/// <code>
/// jobs: repeat ─► case ─► model (interleaved: a partial run has measured every model about as much)
///   ─► bounded parallel loop ─► EvalClient (retries, backoff) ─► scorers (a judge asks the gateway too) ─► result ─► caller
/// </code>
/// Cancellation (Ctrl-C) stops new jobs and cancels those in flight; they are not reported. Model errors are results, not
/// exceptions: the case counts as failed, with the gateway's reason.
/// </remarks>
internal sealed class EvalRunner(EvalClient client, TimeProvider time)
{
    /// <summary>Runs the suite; returns whether every job finished (false when cancelled).</summary>
    public async Task<bool> RunAsync(
        string runId,
        EvalSuite suite,
        IReadOnlyList<EvalModel> models,
        int repeats,
        int concurrency,
        Action<EvalResultRecord> onResult,
        IProgress<EvalProgress>? progress,
        CancellationToken cancellationToken)
    {
        var jobs = new List<(int Repeat, int Case, int Model)>(suite.Cases.Length * models.Count * repeats);
        for (var r = 0; r < repeats; r++)
        {
            for (var c = 0; c < suite.Cases.Length; c++)
            {
                for (var m = 0; m < models.Count; m++)
                {
                    jobs.Add((r, c, m));
                }
            }
        }

        var done = 0;
        var failed = 0;
        var errors = 0;
        var gate = new Lock();
        progress?.Report(new EvalProgress(0, jobs.Count, 0, 0));
        try
        {
            await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (job, token) =>
            {
                var result = await RunOneAsync(runId, suite, suite.Cases[job.Case], job.Case, models[job.Model], job.Model, job.Repeat, token);
                lock (gate)
                {
                    onResult(result);
                    done++;
                    failed += result.Pass == true ? 0 : 1;
                    errors += result.Error is null ? 0 : 1;
                    progress?.Report(new EvalProgress(done, jobs.Count, failed, errors));
                }
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return true;
    }

    /// <summary>One case asked of one model once, and scored.</summary>
    internal async Task<EvalResultRecord> RunOneAsync(string runId, EvalSuite suite, EvalCase @case, int caseIndex, EvalModel model, int modelIndex, int repeat, CancellationToken cancellationToken)
    {
        var requestId = string.Create(CultureInfo.InvariantCulture, $"{runId}.{caseIndex}.{modelIndex}.{repeat}");
        var call = await client.SendAsync(@case.Body(model.Route), model, @case.Stream, @case.Tags, requestId, cancellationToken);
        var record = new EvalResultRecord
        {
            RunId = runId,
            CaseId = @case.Id,
            UseCase = @case.UseCase,
            Model = model.Name,
            RepeatIndex = repeat,
            Timestamp = time.GetUtcNow(),
            RequestId = call.RequestId,
            Deployment = call.Deployment,
            Status = call.Status,
            Stream = @case.Stream,
            LatencyMs = call.Answer is null ? null : call.LatencyMs,
            TimeToFirstTokenMs = call.TimeToFirstTokenMs,
            InputTokens = call.Answer?.InputTokens,
            OutputTokens = call.Answer?.OutputTokens,
            CostUsd = call.Cost,
            CostEstimated = call.CostEstimated,
            Tries = call.Tries,
            Error = call.Error,
        };

        if (call.Answer is not { } answer)
        {
            // No answer is a failed case: the model (or the route in front of it) did not deliver.
            return record with { Score = 0, Pass = false, ScoreDetail = "no answer" };
        }

        var input = new ScoringInput
        {
            Answer = answer.Text,
            HasToolCalls = answer.HasToolCalls,
            FinishReason = answer.FinishReason,
            Refused = answer.Refused,
            OutputTokens = answer.OutputTokens,
            Case = @case,
            GatewayQualityScore = call.QualityScore,
            GatewayQualityFailed = call.QualityFailed,
            Judge = suite.Judge,
            AskJudge = (body, judge, token) => AskJudgeAsync(body, judge, requestId + ".judge", token),
        };
        var score = await Scorer.ScoreAllAsync(@case.Scorers, input, cancellationToken);
        return record with
        {
            Answer = answer.Text,
            Score = Math.Round(score.Score, 4),
            Pass = score.Pass,
            ScoreDetail = score.Detail,
            JudgeCostUsd = score.Cost,
        };
    }

    private async Task<JudgeReply> AskJudgeAsync(byte[] body, EvalModel judge, string requestId, CancellationToken cancellationToken)
    {
        var call = await client.SendAsync(body, judge, stream: false, [], requestId, cancellationToken);
        return call.Answer is { } answer
            ? new JudgeReply(answer.Text, call.Cost, null)
            : new JudgeReply(null, call.Cost, call.Error);
    }
}
