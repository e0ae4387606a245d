namespace Switchyard.Simulator.Protocol;

/// <summary>The fields of an embeddings request the simulator acts on.</summary>
internal sealed class EmbeddingRequest
{
    public string? Model { get; set; }

    public List<EmbeddingInput> Inputs { get; } = [];

    public int? Dimensions { get; set; }

    public bool Base64 { get; set; }

    public int PromptTokens { get; set; }
}
