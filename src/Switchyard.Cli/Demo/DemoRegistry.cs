using System.Text;
using Spectre.Console;
using Switchyard.Registry.Licenses;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Workflow;
using Switchyard.Storage.Models;

namespace Switchyard.Cli.Demo;

/// <summary>
/// The demo's model registry: the simulated models are written as small Hugging Face folders (card, config, a tiny
/// safetensors file, the licence), registered, scanned and judged like real ones; the permissive ones are approved by the
/// policy, the Llama-licensed ones signed by a demo legal and security reviewer, and one research-only model is shown
/// being refused. The gateway then serves with the registry enforced.
/// </summary>
internal static class DemoRegistry
{
    private const string Commit = "5206a32e0bd3067aef1ce90f5528ade7d866253f";

    // Each folder has the layout and config.json its real repository has (a LoRA adapter: adapter_config.json and
    // adapter_model.safetensors), with a placeholder tensor for weights.
    private static readonly (string Id, string Repo, string Card, string? License, string Config)[] Models =
    [
        ("llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct", "license: llama3.1\npipeline_tag: text-generation",
            "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n",
            """{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"num_hidden_layers":32,"vocab_size":128256,"intermediate_size":14336,"num_attention_heads":32,"num_key_value_heads":8}"""),
        ("llama-8b-legal-lora", "acme/llama-8b-legal-lora", "license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\nbase_model_relation: adapter\npipeline_tag: text-generation\nlibrary_name: peft", null,
            """{"base_model_name_or_path":"meta-llama/Llama-3.1-8B-Instruct","peft_type":"LORA","task_type":"CAUSAL_LM","r":16,"lora_alpha":32,"target_modules":["q_proj","v_proj"]}"""),
        ("qwen2.5-coder-7b-instruct", "Qwen/Qwen2.5-Coder-7B-Instruct", "license: apache-2.0\npipeline_tag: text-generation",
            "                                 Apache License\n                           Version 2.0, January 2004\n",
            """{"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":3584,"num_hidden_layers":28,"vocab_size":152064,"intermediate_size":18944,"num_attention_heads":28,"num_key_value_heads":4}"""),
        ("ministral-8b-instruct-2410", "mistralai/Ministral-8B-Instruct-2410", "license: other\nlicense_name: mrl\nlicense_link: https://mistral.ai/licenses/MRL-0.1.md\npipeline_tag: text-generation",
            "Mistral AI Research License\n",
            """{"architectures":["MistralForCausalLM"],"model_type":"mistral","hidden_size":4096,"num_hidden_layers":36,"vocab_size":131072,"intermediate_size":12288,"num_attention_heads":32,"num_key_value_heads":8}"""),
    ];

    /// <summary>Registers the demo's models in <paramref name="db"/> (once: a second run finds them), and prints the registry.</summary>
    public static async Task RegisterAsync(IAnsiConsole console, string db, OrganisationProfile profile, CancellationToken cancellationToken)
    {
        await using var stores = await Storage.Stores.OpenAsync(Storage.StorageOptions.ForSqlite(Path.GetFullPath(db)), TimeProvider.System, cancellationToken);
        var registry = new ModelRegistry(stores.Models, profile, TimeProvider.System);
        var root = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(db))!, Path.GetFileNameWithoutExtension(db) + "-models");
        var table = new Table().AddColumns("registry model", "licence", "verdict", "status", "served");
        foreach (var (id, repo, card, license, config) in Models)
        {
            var model = registry.Store.Find(id);
            if (model is null)
            {
                var folder = WriteFolder(root, id, repo, card, license, config);
                model = await registry.AddFromFolderAsync(folder, new ModelRegistration
                {
                    Actor = "demo",
                    Id = id,
                    Source = $"hf://{repo}@{Commit}",
                    Owner = "demo",
                    BaseModels = card.Contains("base_model:", StringComparison.Ordinal) ? ["llama-3.1-8b-instruct"] : [],
                    AutoApprove = true,
                }, new WeightScanner(), cancellationToken);
                model = Decide(registry, model);
            }

            var verdict = registry.Check(model);
            table.AddRow(Markup.Escape(id), Markup.Escape(model.LicenseId ?? "-"), Markup.Escape(LicenseExplainer.Word(verdict.Outcome)), ModelStatusWords.Word(model.Status), model.Status == ModelStatus.Approved ? "[green]yes[/]" : "[red]no[/]");
        }

        console.MarkupLine("[bold]Model registry[/]: only approved models are served (registry.enforce: on). Licences judged for the demo's organisation profile:");
        console.Write(table);
        if (registry.Store.Find("ministral-8b-instruct-2410") is { } refused)
        {
            console.MarkupLineInterpolated($"  [red]{LicenseExplainer.Explain(registry.Check(refused)).Skip(1).FirstOrDefault() ?? ""}[/]");
        }

        console.MarkupLine("  `switchyard models list|show|check|bom --db " + Markup.Escape(db) + "` and `switchyard audit verify --db " + Markup.Escape(db) + "` show the records.");
        console.WriteLine();
    }

    /// <summary>What the demo's reviewers decide: Llama's community licence reviewed and signed; the research-only licence rejected.</summary>
    private static ModelRecord Decide(ModelRegistry registry, ModelRecord model)
    {
        if (model.Status != ModelStatus.Scanned)
        {
            return model;
        }

        var verdict = registry.Check(model);
        if (verdict.Outcome == LicenseOutcome.Forbidden)
        {
            return registry.Reject(model.Id, "demo:legal", "legal", "research-only licence: the organisation serves customers commercially");
        }

        registry.SignLicense(model.Id, "demo:legal", "legal", "demo review: far below the 700M monthly-user threshold; 'Built with Llama' shown in the product");
        return registry.SignSecurity(model.Id, "demo:security", "security", "clean scan", acceptFindings: false);
    }

    private static string WriteFolder(string root, string id, string repo, string card, string? license, string config)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, id)).FullName;
        var adapter = config.Contains("\"peft_type\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, adapter ? "adapter_config.json" : "config.json"), config);
        File.WriteAllText(Path.Combine(dir, "README.md"), $"---\n{card}\n---\n# {repo}\n\nA simulated model of the Switchyard demo: the weights are a placeholder tensor.\n");
        var tensor = adapter ? "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight" : "model.embed_tokens.weight";
        var header = Encoding.UTF8.GetBytes($$$"""{"{{{tensor}}}":{"dtype":"F32","shape":[4,4],"data_offsets":[0,64]}}""");
        File.WriteAllBytes(Path.Combine(dir, adapter ? "adapter_model.safetensors" : "model.safetensors"), [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[64]]);
        if (license is not null)
        {
            File.WriteAllText(Path.Combine(dir, "LICENSE"), license);
        }

        return dir;
    }
}
