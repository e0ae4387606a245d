namespace Switchyard.Registry.Licenses;

/// <summary>What a licence says about using a model's outputs to train, fine-tune or distil other models.</summary>
public enum OutputUse
{
    /// <summary>No restriction on outputs (the permissive licences; plain outputs of most community licences).</summary>
    Unrestricted,
    /// <summary>The catalog records no output term for this licence (a licence outside the policy table): review before training on outputs.</summary>
    NotRecorded,
    /// <summary>Outputs may not be used to improve any other large language model (Llama 2 and Llama 3, §1.b.v).</summary>
    MayNotImproveOtherModels,
    /// <summary>Outputs may train other models, which must then carry the licence's name prefix or display text (Llama 3.1+, Qwen §5.b).</summary>
    TrainedModelsMustAttribute,
    /// <summary>Models trained on outputs or distilled are derivatives under this licence and inherit its restrictions (Gemma, DeepSeek).</summary>
    DerivativesInheritLicense,
    /// <summary>Outputs, like the model, may serve research only (Mistral AI Research License §3.2, §4.2-4.3).</summary>
    ResearchOnly,
}
