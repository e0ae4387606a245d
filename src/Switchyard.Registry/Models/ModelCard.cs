namespace Switchyard.Registry.Models;

/// <summary>
/// The YAML front matter of a Hugging Face model card (<c>README.md</c>), as far as the registry needs it. Values are
/// taken as written (trimmed); licence ids are not normalised here (the licence catalog does that).
/// </summary>
/// <remarks>Field names follow <c>hub-docs: docs/hub/model-cards.md</c> and <c>repositories-licenses.md</c>.</remarks>
public sealed record ModelCard
{
    /// <summary>The card's file name as given to the reader, used in <see cref="Errors"/>.</summary>
    public string File { get; init; } = "README.md";

    /// <summary>True when the file starts with a <c>---</c> block (closed or not).</summary>
    public bool HasFrontMatter { get; init; }

    /// <summary><c>license</c>: a Hub licence id (<c>apache-2.0</c>, <c>llama3.1</c>, <c>other</c>...), or null.</summary>
    public string? License { get; init; }

    /// <summary><c>license_name</c>: the slug of a custom licence when <see cref="License"/> is <c>other</c> (<c>mrl</c>, <c>tongyi-qianwen</c>...).</summary>
    public string? LicenseName { get; init; }

    /// <summary><c>license_link</c>: a URL or a file of the repository (<c>LICENSE</c>) holding the custom licence.</summary>
    public string? LicenseLink { get; init; }

    /// <summary><c>base_model</c>: one id or a list, always as a list (empty when absent).</summary>
    public IReadOnlyList<string> BaseModels { get; init; } = [];

    /// <summary><c>base_model_relation</c>: <c>adapter</c>, <c>merge</c>, <c>quantized</c> or <c>finetune</c>; null when absent or invalid.</summary>
    public string? BaseModelRelation { get; init; }

    /// <summary><c>pipeline_tag</c> (such as <c>text-generation</c>).</summary>
    public string? PipelineTag { get; init; }

    /// <summary><c>tags</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary><c>language</c>: one code or a list, always as a list.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];

    /// <summary><c>datasets</c>: one id or a list, always as a list.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = [];

    /// <summary><c>library_name</c> (such as <c>transformers</c>, <c>peft</c>, <c>gguf</c>).</summary>
    public string? LibraryName { get; init; }

    /// <summary>True when the card asks for access: a <c>gated</c> value other than false, or any <c>extra_gated_*</c> key.</summary>
    public bool Gated { get; init; }

    /// <summary><c>extra_gated_prompt</c>: the text a user accepts to get access (often the licence itself), or null.</summary>
    public string? ExtraGatedPrompt { get; init; }

    /// <summary>What is wrong with the card, each as "<c>README.md line 3: ...</c>"; empty for a good card or no front matter.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>A card without front matter.</summary>
    public static ModelCard Empty(string file = "README.md") => new() { File = file };
}
