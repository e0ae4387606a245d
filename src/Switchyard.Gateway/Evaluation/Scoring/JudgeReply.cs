namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>The judge's answer through the gateway: its text and what it cost, or why there is none.</summary>
internal sealed record JudgeReply(string? Text, decimal? Cost, string? Error);
