using Switchyard.Registry.Models;

namespace Switchyard.Registry.Tests.Models;

public class ModelConfigReaderTests
{
    /// <summary>meta-llama/Llama-3.1-8B-Instruct's config.json (8,030,261,248 parameters).</summary>
    internal const string Llama31Config = """
        {
          "architectures": ["LlamaForCausalLM"],
          "attention_bias": false,
          "attention_dropout": 0.0,
          "bos_token_id": 128000,
          "eos_token_id": [128001, 128008, 128009],
          "hidden_act": "silu",
          "hidden_size": 4096,
          "initializer_range": 0.02,
          "intermediate_size": 14336,
          "max_position_embeddings": 131072,
          "mlp_bias": false,
          "model_type": "llama",
          "num_attention_heads": 32,
          "num_hidden_layers": 32,
          "num_key_value_heads": 8,
          "pretraining_tp": 1,
          "rms_norm_eps": 1e-05,
          "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"},
          "rope_theta": 500000.0,
          "tie_word_embeddings": false,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.43.0.dev0",
          "use_cache": true,
          "vocab_size": 128256
        }
        """;

    [Fact]
    public void Parse_Llama31_EstimatesWithinOnePercent()
    {
        var config = ModelConfigReader.Parse(Llama31Config);

        Assert.Empty(config.Errors);
        Assert.Equal("LlamaForCausalLM", config.Architecture);
        Assert.Equal("llama", config.ModelType);
        Assert.Equal("bfloat16", config.TorchDtype);
        Assert.False(config.IsMultimodal);
        Assert.True(config.ParameterCountEstimated);
        Assert.InRange(config.ParameterCount!.Value, 7_950_000_000, 8_110_000_000);
    }

    [Fact]
    public void Parse_Qwen25WithTiedEmbeddings_EstimatesWithinOnePercent()
    {
        // Qwen/Qwen2.5-0.5B-Instruct: 494,032,768 parameters, embeddings tied.
        var config = ModelConfigReader.Parse("""
            {"architectures": ["Qwen2ForCausalLM"], "hidden_size": 896, "intermediate_size": 4864, "model_type": "qwen2",
             "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16", "vocab_size": 151936}
            """);

        Assert.InRange(config.ParameterCount!.Value, 489_000_000, 499_000_000);
    }

    [Fact]
    public void Parse_MllamaWithVisionConfig_IsMultimodal()
    {
        var config = ModelConfigReader.Parse("""
            {"architectures": ["MllamaForConditionalGeneration"], "model_type": "mllama", "torch_dtype": "bfloat16",
             "text_config": {"hidden_size": 4096, "num_hidden_layers": 40, "vocab_size": 128256, "intermediate_size": 14336,
                             "num_attention_heads": 32, "num_key_value_heads": 8, "model_type": "mllama_text_model"},
             "vision_config": {"hidden_size": 1280, "image_size": 560, "model_type": "mllama_vision_model"}}
            """);

        Assert.True(config.IsMultimodal);
        Assert.Equal("MllamaForConditionalGeneration", config.Architecture);
        Assert.True(config.ParameterCountEstimated);
        Assert.NotNull(config.ParameterCount);
    }

    [Theory]
    [InlineData("qwen2_vl", true)]
    [InlineData("gemma3", true)]
    [InlineData("llava", true)]
    [InlineData("pixtral", true)]
    [InlineData("llama4", true)]
    [InlineData("gemma3_text", false)]
    [InlineData("mistral", false)]
    public void Parse_ModelType_DecidesMultimodalWithoutVisionConfig(string modelType, bool multimodal)
    {
        Assert.Equal(multimodal, ModelConfigReader.Parse($$"""{"model_type": "{{modelType}}"}""").IsMultimodal);
    }

    [Fact]
    public void Parse_AudioConfig_IsMultimodal()
    {
        Assert.True(ModelConfigReader.Parse("""{"model_type": "custom", "audio_config": {"d_model": 1280}}""").IsMultimodal);
    }

    [Fact]
    public void Parse_NumParameters_WinsOverTheEstimate()
    {
        var config = ModelConfigReader.Parse("""{"num_parameters": 7241732096, "hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 32000, "dtype": "float16"}""");

        Assert.Equal(7_241_732_096, config.ParameterCount);
        Assert.False(config.ParameterCountEstimated);
        Assert.Equal("float16", config.TorchDtype);
    }

    [Fact]
    public void Parse_NoShapes_HasNoCount()
    {
        var config = ModelConfigReader.Parse("""{"architectures": [], "model_type": "bert"}""");

        Assert.Null(config.ParameterCount);
        Assert.Null(config.Architecture);
        Assert.Empty(config.Errors);
    }

    [Fact]
    public void Parse_HostileShapes_DoNotOverflow()
    {
        var config = ModelConfigReader.Parse("""{"hidden_size": 9223372036854775807, "num_hidden_layers": 9223372036854775807, "vocab_size": 9223372036854775807}""");

        Assert.Null(config.ParameterCount);
        Assert.Empty(config.Errors);
    }

    [Fact]
    public void Parse_BadJson_IsAnErrorNamingTheFileAndLine()
    {
        var config = ModelConfigReader.Parse("{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 4096,,\n}", "sub/config.json");

        var error = Assert.Single(config.Errors);
        Assert.StartsWith("sub/config.json line 3: not valid JSON: ", error, StringComparison.Ordinal);
        Assert.Null(config.ModelType);
    }

    [Theory]
    [InlineData("[1, 2]", "config.json: the top level is a JSON array, not an object")]
    [InlineData("{\"model_type\": \"a\", \"model_type\": \"b\"}", "config.json: not valid JSON: Duplicate")]
    [InlineData("", "config.json line 1: not valid JSON: ")]
    public void Parse_WrongShape_IsAnError(string json, string expected)
    {
        Assert.StartsWith(expected, Assert.Single(ModelConfigReader.Parse(json).Errors), StringComparison.Ordinal);
    }
}
