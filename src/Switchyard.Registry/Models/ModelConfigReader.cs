using System.Collections.Frozen;
using System.Text.Json;

namespace Switchyard.Registry.Models;

/// <summary>Reads a Transformers <c>config.json</c>. Never throws on bad content: problems are <see cref="ModelConfigInfo.Errors"/>.</summary>
public static class ModelConfigReader
{
    /// <summary>Model types that take images, audio or video as well as text, even when no <c>vision_config</c> says so.</summary>
    public static readonly FrozenSet<string> MultimodalModelTypes = new[]
    {
        "mllama", "llama4", "qwen2_vl", "qwen2_5_vl", "qwen2_audio", "qwen2_5_omni", "qwen3_vl", "qwen3_vl_moe", "llava",
        "llava_next", "llava_next_video", "llava_onevision", "gemma3", "gemma3n", "paligemma", "pixtral", "mistral3",
        "idefics", "idefics2", "idefics3", "smolvlm", "phi3_v", "phi4_multimodal", "internvl", "internvl_chat", "aya_vision",
        "blip-2", "instructblip", "kosmos-2", "florence2", "chameleon", "emu3", "janus", "molmo", "minicpmv", "whisper",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Families whose MLP is two matrices (up, down); everything else is taken as gated (gate, up, down), like Llama.
    private static readonly FrozenSet<string> UngatedMlp = new[]
    {
        "gpt2", "gpt_neox", "gptj", "gpt_bigcode", "opt", "bloom", "falcon", "phi", "mpt", "bert", "roberta", "t5", "starcoder2",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>Parses <paramref name="json"/>; <paramref name="file"/> names the file in errors.</summary>
    public static ModelConfigInfo Parse(string json, string file = "config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } n ? $" line {n + 1}" : "";
            return new ModelConfigInfo { File = file, Errors = [$"{file}{line}: not valid JSON: {FirstSentence(e.Message)}"] };
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ModelConfigInfo { File = file, Errors = [$"{file}: the top level is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object"] };
            }
            var errors = new List<string>();
            var architectures = new List<string>();
            if (root.TryGetProperty("architectures", out var list))
            {
                if (list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var a in list.EnumerateArray())
                    {
                        if (a.ValueKind == JsonValueKind.String && a.GetString() is { Length: > 0 } name)
                        {
                            architectures.Add(name);
                        }
                    }
                }
                else if (list.ValueKind != JsonValueKind.Null)
                {
                    errors.Add($"{file}: architectures is not a list of class names");
                }
            }
            var modelType = String(root, "model_type");
            var text = TextConfig(root);
            var multimodal = IsObject(root, "vision_config") || IsObject(root, "audio_config") || IsObject(root, "speech_config")
                || (modelType is not null && MultimodalModelTypes.Contains(modelType));
            long? parameters = Int(root, "num_parameters");
            var estimated = false;
            if (parameters is null && Estimate(text, modelType) is { } estimate)
            {
                parameters = estimate;
                estimated = true;
            }
            return new ModelConfigInfo
            {
                File = file,
                Architecture = architectures.Count > 0 ? architectures[0] : null,
                Architectures = architectures,
                ModelType = modelType,
                IsMultimodal = multimodal,
                TorchDtype = String(root, "torch_dtype") ?? String(root, "dtype") ?? String(text, "torch_dtype") ?? String(text, "dtype"),
                ParameterCount = parameters,
                ParameterCountEstimated = estimated,
                Errors = errors,
            };
        }
    }

    /// <summary>
    /// An estimate for a decoder-only transformer: embeddings (twice when <c>tie_word_embeddings</c> is false), and per
    /// layer the attention (grouped-query aware), the MLP (gated or not; times the experts for a mixture of experts)
    /// and two norms. Within a few percent of the real count for Llama, Mistral, Qwen and Gemma; null without the shapes.
    /// </summary>
    internal static long? Estimate(JsonElement c, string? modelType)
    {
        var h = Int(c, "hidden_size") ?? Int(c, "n_embd") ?? Int(c, "d_model");
        var layers = Int(c, "num_hidden_layers") ?? Int(c, "n_layer") ?? Int(c, "num_layers");
        var vocab = Int(c, "vocab_size");
        if (h is not > 0 || layers is not > 0 || vocab is not > 0)
        {
            return null;
        }
        var width = h.Value;
        var heads = Int(c, "num_attention_heads") ?? Int(c, "n_head") ?? 0;
        var headDim = Int(c, "head_dim") ?? (heads > 0 ? width / heads : 0);
        var kvHeads = Int(c, "num_key_value_heads") ?? heads;
        var intermediate = Int(c, "intermediate_size") ?? Int(c, "n_inner") ?? Int(c, "ffn_dim") ?? 4 * width;
        var experts = Int(c, "num_local_experts") ?? Int(c, "num_experts") ?? Int(c, "n_routed_experts") ?? 0;
        var shared = Int(c, "n_shared_experts") ?? 0;
        var moeIntermediate = Int(c, "moe_intermediate_size") ?? intermediate;
        var matrices = modelType is not null && UngatedMlp.Contains(modelType) ? 2 : 3;
        var tied = !c.TryGetProperty("tie_word_embeddings", out var t) || t.ValueKind != JsonValueKind.False;

        // Int128 so that hostile sizes cannot overflow; the result must fit a long.
        Int128 hd = width;
        Int128 attention = heads > 0 ? 2 * hd * heads * headDim + 2 * hd * kvHeads * headDim : 4 * hd * hd;
        Int128 mlp = experts > 0
            ? (Int128)(experts + shared) * matrices * hd * moeIntermediate + hd * experts
            : (Int128)matrices * hd * intermediate;
        var total = (Int128)vocab.Value * hd * (tied ? 1 : 2) + layers.Value * (attention + mlp + 2 * hd) + hd;
        return total > 0 && total <= long.MaxValue ? (long)total : null;
    }

    /// <summary>The object holding the language model's shapes: <c>text_config</c> or <c>llm_config</c> of a multimodal config, else the root.</summary>
    private static JsonElement TextConfig(JsonElement root)
    {
        foreach (var name in (ReadOnlySpan<string>)["text_config", "llm_config", "language_config"])
        {
            if (root.TryGetProperty(name, out var inner) && inner.ValueKind == JsonValueKind.Object && inner.TryGetProperty("hidden_size", out _))
            {
                return inner;
            }
        }
        return root;
    }

    private static bool IsObject(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object;

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0
            ? n : null;

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
