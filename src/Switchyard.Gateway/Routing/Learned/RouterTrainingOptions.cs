namespace Switchyard.Gateway.Routing.Learned;

/// <summary>How <see cref="RouterTrainer.Train"/> fits an <see cref="EscalationRouter"/>.</summary>
internal sealed record RouterTrainingOptions
{
    /// <summary>Hash bits: 2^18 weights (1 MiB of float32) leave few collisions for the vocabulary of a few thousand prompts.</summary>
    public int Bits { get; init; } = 18;

    /// <summary>Passes over the examples, each in a fresh shuffled order.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>The base step of AdaGrad; each weight's step shrinks with the square root of its summed squared gradients.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>L2 penalty per update of a present feature (lazy, so absent features cost nothing).</summary>
    public double L2 { get; init; } = 1e-6;

    /// <summary>Seeds the shuffles: the same examples and options give the same router.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// The share of requests the router should send straight to the frontier; the threshold is calibrated to it on the
    /// training examples. 0.2 is a starting point, not a recommendation: set it from the frontier's budget.
    /// </summary>
    public double TargetShare { get; init; } = 0.2;

    /// <summary>Free text recorded in <see cref="RouterInfo.Source"/>.</summary>
    public string Source { get; init; } = "";

    /// <summary>The clock for <see cref="RouterInfo.TrainedAt"/>; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Every problem with these options at once, each naming the option and the allowed range; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Bits is < EscalationRouter.MinBits or > EscalationRouter.MaxBits)
        {
            problems.Add($"Bits is {Bits}; it must be between {EscalationRouter.MinBits} and {EscalationRouter.MaxBits}.");
        }

        if (Epochs < 1)
        {
            problems.Add($"Epochs is {Epochs}; it must be at least 1.");
        }

        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
        {
            problems.Add($"LearningRate is {LearningRate}; it must be a positive number.");
        }

        if (!double.IsFinite(L2) || L2 < 0)
        {
            problems.Add($"L2 is {L2}; it must be 0 or a positive number.");
        }

        if (!(TargetShare is >= 0 and <= 1))
        {
            problems.Add($"TargetShare is {TargetShare}; it must be between 0 and 1 (the share of requests sent straight to the frontier).");
        }

        if (Source is null)
        {
            problems.Add("Source is null; use an empty string when there is nothing to record.");
        }

        return problems;
    }
}
