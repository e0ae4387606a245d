using Switchyard.Registry.Bom;

namespace Switchyard.Registry.Tests.Bom;

/// <summary>Models for the BOM tests: a base, its fine-tune and a GGUF quantisation of the fine-tune.</summary>
internal static class BomFixtures
{
    public static readonly DateTimeOffset Timestamp = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);
    public static readonly Guid Serial = Guid.Parse("3e671687-395b-41f5-a30f-a58921a69b79");
    public const string ToolVersion = "0.9.0+abc1234";

    // Upper case on purpose: the purl type wants the commit lower-cased.
    public const string BaseCommit = "0E9F4D4E6A6E7F1A2B3C4D5E6F708192A3B4C5D6";

    public static string Sha(char c) => new(c, 64);

    public static BomModel Base() => new()
    {
        Id = "llama-3.1-8b-instruct",
        Name = "Llama 3.1 8B Instruct",
        Version = BaseCommit,
        Family = "llama",
        Architecture = "LlamaForCausalLM",
        ParameterCount = 8_030_261_248,
        Task = "text-generation",
        SourceRepository = "hf://meta-llama/Llama-3.1-8B-Instruct",
        SourceUrl = "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct",
        LicenseId = "llama3.1",
        LicenseName = "Llama 3.1 Community License",
        LicenseTextSha256 = Sha('A'),
        IntendedUse = "Internal chat assistants",
        Owner = "ml-platform",
        Status = "approved",
        Files =
        [
            new("model-00002-of-00002.safetensors", 1_168_138_808, Sha('2'), "safetensors"),
            new("model-00001-of-00002.safetensors", 4_976_698_672, Sha('1'), "safetensors"),
            new("tokenizer.json", 9_085_657, Sha('3'), "json"),
        ],
        Scan = new("switchyard", "0.9.0", new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.FromHours(1)), "clean", 0, null),
        Obligations = ["Display \"Built with Llama\"", "Include the licence with copies"],
        Approvals =
        [
            new("legal", "dana", new DateTimeOffset(2025, 3, 2, 9, 30, 0, TimeSpan.Zero), "Llama 3.1 licence accepted for internal use"),
            new("security", "sam", new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero), "Clean scan"),
        ],
    };

    public static BomModel FineTune() => new()
    {
        Id = "support-llama-8b",
        Name = "Support Llama 8B",
        Version = "2025.03.1",
        Family = "llama",
        Architecture = "LlamaForCausalLM",
        Task = "text-generation",
        LicenseId = "llama3.1",
        LicenseName = "Llama 3.1 Community License",
        Owner = "support-tools",
        Status = "approved",
        BaseModels = ["llama-3.1-8b-instruct"],
        BaseModelRelation = "finetune",
        Files = [new("model.safetensors", 16_060_522_496, Sha('4'), "safetensors")],
    };

    public static BomModel Quantised() => new()
    {
        Id = "support-llama-8b-q4km",
        Name = "Support Llama 8B Q4_K_M",
        Version = "2025.03.1-q4km",
        Family = "llama",
        Task = "text-generation",
        LicenseId = "llama3.1",
        LicenseName = "Llama 3.1 Community License",
        Status = "approved",
        BaseModels = ["support-llama-8b"],
        BaseModelRelation = "quantized",
        Files = [new("support-llama-8b.Q4_K_M.gguf", 4_920_734_016, Sha('5'), "gguf")],
        Scan = new("switchyard", "0.9.0", new DateTimeOffset(2025, 3, 5, 8, 0, 0, 123, TimeSpan.Zero), "accepted", 2, "Findings are template warnings"),
    };

    public static BomModel[] Chain() => [Quantised(), Base(), FineTune()];
}
