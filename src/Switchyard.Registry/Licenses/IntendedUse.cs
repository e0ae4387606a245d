namespace Switchyard.Registry.Licenses;

/// <summary>What the organisation does with a model, as its gateway configuration declares it.</summary>
public enum IntendedUse
{
    /// <summary>Serving the model in a product or service for customers.</summary>
    Production,
    /// <summary>Employees' own work (assistants, internal tools): commercial use under research-only licences.</summary>
    Internal,
    /// <summary>Scientific or academic research.</summary>
    Research,
    /// <summary>Testing and benchmarking, not serving.</summary>
    Evaluation,
    /// <summary>Training other models on this model's outputs (synthetic data).</summary>
    TrainingOnOutputs,
    /// <summary>Distilling this model into another.</summary>
    Distillation,
    /// <summary>Fine-tuning the model itself and making the result available.</summary>
    FineTuning,
}
