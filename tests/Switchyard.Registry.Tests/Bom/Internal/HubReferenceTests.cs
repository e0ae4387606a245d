using Switchyard.Registry.Bom.Internal;

namespace Switchyard.Registry.Tests.Bom.Internal;

public sealed class HubReferenceTests
{
    [Theory]
    [InlineData("hf://meta-llama/Llama-3.1-8B", "meta-llama", "Llama-3.1-8B", null)]
    [InlineData("HF://Qwen/Qwen2.5_7B@main", "Qwen", "Qwen2.5_7B", "main")]
    [InlineData("hf://gpt2", null, "gpt2", null)]
    public void TryParse_HubForms_Parse(string input, string? ns, string name, string? revision)
    {
        Assert.True(HubReference.TryParse(input, out var reference));
        Assert.Equal(new HubReference(ns, name, revision), reference);
    }

    [Theory]
    [InlineData("meta-llama/Llama-3.1-8B")]
    [InlineData("hf://")]
    [InlineData("hf://org/")]
    [InlineData("hf://org/name@")]
    [InlineData("hf://a/b/c")]
    [InlineData("hf://org/na me")]
    [InlineData(null)]
    public void TryParse_NotAHubReference_ReturnsFalse(string? input)
    {
        Assert.False(HubReference.TryParse(input, out _));
    }

    [Fact]
    public void ToPurl_KeepsNameCaseAndLowersTheCommit()
    {
        var reference = new HubReference("microsoft", "deberta-v3-base", null);

        Assert.Equal(
            "pkg:huggingface/microsoft/deberta-v3-base@559062ad13d311b87b2c455e67dcd5f1c8f65111",
            reference.ToPurl("559062AD13D311B87B2C455E67DCD5F1C8F65111"));
        Assert.Equal("pkg:huggingface/distilbert-base-uncased@043235d6088ecd3dd5fb5ca3592b6913fd516027",
            new HubReference(null, "distilbert-base-uncased", null).ToPurl("043235d6088ecd3dd5fb5ca3592b6913fd516027"));
    }

    [Theory]
    [InlineData("043235d6088ecd3dd5fb5ca3592b6913fd516027", true)]
    [InlineData("043235D6088ECD3DD5FB5CA3592B6913FD516027", true)]
    [InlineData("043235d", false)]
    [InlineData("main", false)]
    [InlineData("043235d6088ecd3dd5fb5ca3592b6913fd51602g", false)]
    [InlineData(null, false)]
    public void IsCommit_OnlyFullHexCommits(string? value, bool expected)
    {
        Assert.Equal(expected, HubReference.IsCommit(value));
    }
}
