namespace Switchyard.Registry.Models;

/// <summary>What a Transformers <c>config.json</c> says about the model, as far as the registry needs it.</summary>
public sealed record ModelConfigInfo
{
    /// <summary>The file's name as given to the reader, used in <see cref="Errors"/>.</summary>
    public string File { get; init; } = "config.json";

    /// <summary><c>architectures[0]</c> (such as <c>LlamaForCausalLM</c>), or null.</summary>
    public string? Architecture { get; init; }

    /// <summary>Every entry of <c>architectures</c>.</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary><c>model_type</c> (such as <c>llama</c>, <c>qwen2</c>, <c>mllama</c>), or null.</summary>
    public string? ModelType { get; init; }

    /// <summary>
    /// True when the model takes more than text: a <c>vision_config</c> or <c>audio_config</c> object, or a
    /// <c>model_type</c> of a known multimodal family (<see cref="ModelConfigReader.MultimodalModelTypes"/>).
    /// </summary>
    public bool IsMultimodal { get; init; }

    /// <summary><c>torch_dtype</c> (or <c>dtype</c>, which newer Transformers write), such as <c>bfloat16</c>, or null.</summary>
    public string? TorchDtype { get; init; }

    /// <summary><c>num_parameters</c> when the file gives it, else an estimate from the shapes (see <see cref="ParameterCountEstimated"/>), else null.</summary>
    public long? ParameterCount { get; init; }

    /// <summary>True when <see cref="ParameterCount"/> was estimated from <c>hidden_size</c>, <c>num_hidden_layers</c>, <c>vocab_size</c>...</summary>
    public bool ParameterCountEstimated { get; init; }

    /// <summary>What is wrong with the file, each naming it ("<c>config.json line 4: ...</c>"); empty when it read well.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}
