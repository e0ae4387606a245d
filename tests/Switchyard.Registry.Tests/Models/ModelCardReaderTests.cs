using Switchyard.Registry.Models;

namespace Switchyard.Registry.Tests.Models;

public class ModelCardReaderTests
{
    [Fact]
    public void Parse_Llama31Instruct_ReadsLicenceLanguagesAndGating()
    {
        var card = ModelCardReader.Parse(ModelCards.Llama31Instruct);

        Assert.Empty(card.Errors);
        Assert.True(card.HasFrontMatter);
        Assert.Equal("llama3.1", card.License);
        Assert.Null(card.LicenseName);
        Assert.Equal(["meta-llama/Meta-Llama-3.1-8B"], card.BaseModels);
        Assert.Equal(["en", "de", "fr", "it", "pt", "hi", "es", "th"], card.Languages);
        Assert.Equal("text-generation", card.PipelineTag);
        Assert.Contains("llama-3", card.Tags);
        Assert.True(card.Gated);
        Assert.StartsWith("### LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n\"Agreement\"", card.ExtraGatedPrompt);
    }

    [Theory]
    [InlineData(ModelCards.BartowskiMistralLarge, "mrl", "https://mistral.ai/licenses/MRL-0.1.md", "mistralai/Mistral-Large-Instruct-2411")]
    [InlineData(ModelCards.BartowskiQwen2, "tongyi-qianwen", "https://huggingface.co/Qwen/Qwen2-72B-Instruct/blob/main/LICENSE", "Qwen/Qwen2-72B-Instruct")]
    public void Parse_BartowskiQuantisation_ReadsTheCustomLicence(string text, string name, string link, string baseModel)
    {
        var card = ModelCardReader.Parse(text);

        Assert.Empty(card.Errors);
        Assert.Equal("other", card.License);
        Assert.Equal(name, card.LicenseName);
        Assert.Equal(link, card.LicenseLink);
        Assert.Equal([baseModel], card.BaseModels);
        Assert.Null(card.BaseModelRelation);
        Assert.False(card.Gated);
        Assert.Null(card.LibraryName);
    }

    [Fact]
    public void Parse_Qwen25Instruct_IsApacheWithItsLibrary()
    {
        var card = ModelCardReader.Parse(ModelCards.Qwen25Instruct);

        Assert.Empty(card.Errors);
        Assert.Equal("apache-2.0", card.License);
        Assert.Equal("transformers", card.LibraryName);
        Assert.Equal(["Qwen/Qwen2.5-7B"], card.BaseModels);
        Assert.Equal(["chat"], card.Tags);
    }

    [Fact]
    public void Parse_LoraAdapter_ReadsTheRelation()
    {
        var card = ModelCardReader.Parse(ModelCards.LoraAdapter);

        Assert.Empty(card.Errors);
        Assert.Equal("adapter", card.BaseModelRelation);
        Assert.Equal("peft", card.LibraryName);
        Assert.Equal(["meta-llama/Llama-3.1-8B-Instruct"], card.BaseModels);
    }

    [Fact]
    public void Parse_DeepSeekDistill_IsMitAndNothingElse()
    {
        var card = ModelCardReader.Parse(ModelCards.DeepSeekR1Distill);

        Assert.Empty(card.Errors);
        Assert.Equal("mit", card.License);
        Assert.Empty(card.BaseModels);
        Assert.Empty(card.Tags);
        Assert.False(card.Gated);
    }

    [Fact]
    public void Parse_Gemma2It_IsGatedGemma()
    {
        var card = ModelCardReader.Parse(ModelCards.Gemma2It);

        Assert.Empty(card.Errors);
        Assert.Equal("gemma", card.License);
        Assert.True(card.Gated);
        Assert.StartsWith("To access Gemma on Hugging Face, you’re required", card.ExtraGatedPrompt);
        Assert.Equal(["google/gemma-2-9b"], card.BaseModels);
    }

    [Fact]
    public void Parse_MergeWithBaseModelList_ReadsEveryBase()
    {
        var card = ModelCardReader.Parse(ModelCards.Merge);

        Assert.Equal(["mistralai/Mistral-7B-v0.1", "HuggingFaceH4/zephyr-7b-beta"], card.BaseModels);
        Assert.Equal("apache-2.0", card.License);
    }

    [Theory]
    [InlineData("gated: auto\n", true)]
    [InlineData("gated: manual\n", true)]
    [InlineData("gated: true\n", true)]
    [InlineData("gated: false\n", false)]
    [InlineData("extra_gated_fields:\n  Company: text\n", true)]
    [InlineData("license: mit\n", false)]
    public void Parse_GatingKeys_SetGated(string yaml, bool gated)
    {
        Assert.Equal(gated, ModelCardReader.Parse("---\n" + yaml + "---\n").Gated);
    }

    [Fact]
    public void Parse_WindowsLineEndingsAndBom_ReadsTheSameCard()
    {
        var text = "\uFEFF" + ModelCards.BartowskiQwen2.Replace("\n", "\r\n", StringComparison.Ordinal);

        var card = ModelCardReader.Parse(text);

        Assert.Empty(card.Errors);
        Assert.Equal("tongyi-qianwen", card.LicenseName);
        Assert.Equal(["en"], card.Languages);
        Assert.Equal("https://huggingface.co/Qwen/Qwen2-72B-Instruct/blob/main/LICENSE", card.LicenseLink);
    }

    [Theory]
    [InlineData("# A model\n\nNo front matter here.\n")]
    [InlineData("")]
    [InlineData("Some text\n---\nlicense: mit\n---\n")]
    public void Parse_NoFrontMatter_IsAnEmptyCardWithoutErrors(string text)
    {
        var card = ModelCardReader.Parse(text);

        Assert.False(card.HasFrontMatter);
        Assert.Null(card.License);
        Assert.Empty(card.Errors);
    }

    [Fact]
    public void Parse_EmptyFrontMatter_IsAnEmptyCard()
    {
        var card = ModelCardReader.Parse("---\n---\n# Title\n");

        Assert.True(card.HasFrontMatter);
        Assert.Empty(card.Errors);
        Assert.Null(card.License);
    }

    [Fact]
    public void Parse_LicenseList_IsAnErrorWithItsLine()
    {
        var card = ModelCardReader.Parse("---\nlibrary_name: transformers\nlicense:\n- mit\n- apache-2.0\n---\n");

        Assert.Equal(["README.md line 4: license is a list; give one licence id"], card.Errors);
        Assert.Null(card.License);
        Assert.Equal("transformers", card.LibraryName);
    }

    [Fact]
    public void Parse_LicenseOnTheSameLineAsAList_NamesThatLine()
    {
        var card = ModelCardReader.Parse("---\nlibrary_name: peft\nlicense: [mit, apache-2.0]\n---\n", "models/x/README.md");

        Assert.Equal(["models/x/README.md line 3: license is a list; give one licence id"], card.Errors);
    }

    [Fact]
    public void Parse_BrokenYaml_IsAnErrorWithTheReadmeLine()
    {
        var card = ModelCardReader.Parse("---\nlicense: mit\ntags: [chat,\nbase_model: x\n---\n");

        var error = Assert.Single(card.Errors);
        Assert.StartsWith("README.md line ", error, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", error, StringComparison.Ordinal);
        Assert.Null(card.License);
    }

    [Fact]
    public void Parse_BadIndentation_PointsAtTheLine()
    {
        var card = ModelCardReader.Parse("\n---\nlicense: mit\n  language: en\n---\n");

        var error = Assert.Single(card.Errors);
        Assert.StartsWith("README.md line 4: invalid YAML: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKey_IsAnError()
    {
        var card = ModelCardReader.Parse("---\nlicense: mit\nlicense: apache-2.0\n---\n");

        var error = Assert.Single(card.Errors);
        Assert.StartsWith("README.md line 3: invalid YAML: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedFrontMatter_IsAnError()
    {
        var card = ModelCardReader.Parse("---\nlicense: mit\n# Title\n");

        Assert.Equal(["README.md line 1: the front matter opened with '---' is never closed by a '---' line"], card.Errors);
    }

    [Fact]
    public void Parse_NotAMapping_IsAnError()
    {
        var card = ModelCardReader.Parse("---\n- mit\n---\n");

        Assert.Equal(["README.md line 2: the front matter is not a YAML mapping of 'key: value' lines"], card.Errors);
    }

    [Fact]
    public void Parse_UnknownRelationAndNestedLicence_AreErrors()
    {
        var card = ModelCardReader.Parse("---\nbase_model_relation: distilled\nlicense:\n  id: mit\ntags:\n- ok\n- {a: b}\n---\n");

        Assert.Equal(
            [
                "README.md line 2: base_model_relation 'distilled' is not one of adapter, merge, quantized, finetune",
                "README.md line 4: license is a mapping; give one licence id",
                "README.md line 7: an item of tags is not a plain value",
            ],
            card.Errors);
        Assert.Equal(["ok"], card.Tags);
    }

    [Fact]
    public void Parse_NullsAndBlanks_AreAbsent()
    {
        var card = ModelCardReader.Parse("---\nlicense: ~\nlicense_name: ''\nbase_model:\nlanguage: null\n---\n");

        Assert.Empty(card.Errors);
        Assert.Null(card.License);
        Assert.Null(card.LicenseName);
        Assert.Empty(card.BaseModels);
        Assert.Empty(card.Languages);
    }

    [Fact]
    public void Parse_DeeplyNestedYaml_IsAnErrorNotAStackOverflow()
    {
        var text = "---\ntags: " + new string('[', 100_000) + new string(']', 100_000) + "\n---\n";

        var card = ModelCardReader.Parse(text);

        Assert.Contains("nested deeper than 64 levels", Assert.Single(card.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MutatedCards_NeverThrow()
    {
        var random = new Random(2411);
        string[] cards = [ModelCards.Llama31Instruct, ModelCards.BartowskiMistralLarge, ModelCards.Gemma2It, ModelCards.Merge];
        const string Alphabet = "-:[]{}'\"\n #&*!|>%@`,?\t";
        for (var i = 0; i < 3000; i++)
        {
            var chars = cards[i % cards.Length].ToCharArray();
            for (var m = 0; m < 1 + (i % 4); m++)
            {
                chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
            }
            var text = new string(chars);
            if (i % 7 == 0)
            {
                text = text[..random.Next(text.Length)];
            }

            var card = ModelCardReader.Parse(text);

            Assert.All(card.Errors, e => Assert.StartsWith("README.md line ", e, StringComparison.Ordinal));
        }
    }
}
