using Switchyard.Storage.Escalations;
using Switchyard.Storage.Shadow;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// Shadow comparisons as fine-tuning examples, in the shape escalations have (<c>switchyard dataset export --source
/// shadow</c>): where the incumbent's answer beat the candidate's, the prompt and the incumbent's answer are what the
/// candidate should learn, as an escalation's better answer is what the cheap model should.
/// </summary>
internal static class ShadowDataset
{
    /// <summary>
    /// The comparisons the incumbent won that kept their text, as records (the candidate's answer as the poor one, the
    /// incumbent's as the final one); <paramref name="withoutText"/> counts those won but kept without text.
    /// </summary>
    public static IReadOnlyList<EscalationRecord> IncumbentWins(IEnumerable<ShadowComparison> comparisons, out int withoutText)
    {
        withoutText = 0;
        var records = new List<EscalationRecord>();
        foreach (var c in comparisons)
        {
            if (c.Winner != "incumbent")
            {
                continue;
            }

            if (c.Request is null || c.IncumbentAnswer is null)
            {
                withoutText++;
                continue;
            }

            records.Add(new EscalationRecord
            {
                // Prefixed: the same request may also have been escalated, and the exporter keys examples by id.
                RequestId = "shadow:" + c.RequestId,
                Timestamp = c.Timestamp,
                Route = c.Route,
                Endpoint = c.Endpoint,
                Label = c.Label,
                Confidential = c.Confidential,
                Request = c.Request,
                CheapDeployment = c.CandidateDeployment,
                CheapAnswer = c.CandidateAnswer ?? "",
                CheapScore = c.CandidateScore ?? 0,
                CheapFailed = c.CandidateFailed,
                CheapJudgeScore = c.CandidateJudgeScore,
                CheapInputTokens = c.CandidateInputTokens,
                CheapOutputTokens = c.CandidateOutputTokens,
                CheapCostUsd = c.CandidateCostUsd,
                CheapLatencyMs = c.CandidateLatencyMs,
                FinalDeployment = c.IncumbentDeployment,
                FinalTier = c.IncumbentTier,
                FinalAnswer = c.IncumbentAnswer,
                FinalScore = c.IncumbentScore ?? 0,
                FinalFailed = c.IncumbentFailed,
                FinalJudgeScore = c.IncumbentJudgeScore,
                FinalInputTokens = c.IncumbentInputTokens,
                FinalOutputTokens = c.IncumbentOutputTokens,
                FinalCostUsd = c.IncumbentCostUsd,
                FinalLatencyMs = c.IncumbentLatencyMs,
                Tags = c.Tags,
            });
        }

        return records;
    }
}
