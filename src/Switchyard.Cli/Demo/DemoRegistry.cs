using System.Text;
using Spectre.Console;
using Switchyard.Registry.Licenses;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Workflow;
using Switchyard.Storage.Models;
using Switchyard.Storage.Sqlite;

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

    private static readonly (string Id, string Repo, string Card, string? License)[] Models =
    [
        ("llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct", "license: llama3.1\npipeline_tag: text-generation", "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n"),
        ("llama-8b-legal-lora", "acme/llama-8b-legal-lora", "license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\nbase_model_relation: adapter", null),
        ("qwen2.5-coder-7b-instruct", "Qwen/Qwen2.5-Coder-7B-Instruct", "license: apache-2.0\npipeline_tag: text-generation", "                                 Apache License\n                           Version 2.0, January 2004\n"),
        ("ministral-8b-instruct-2410", "mistralai/Ministral-8B-Instruct-2410", "license: other\nlicense_name: mrl\nlicense_link: https://mistral.ai/licenses/MRL-0.1.md", "Mistral AI Research License\n"),
    ];

    /// <summary>Registers the demo's models in <paramref name="db"/> (once: a second run finds them), and prints the registry.</summary>
    public static async Task RegisterAsync(IAnsiConsole console, string db, OrganisationProfile profile, CancellationToken cancellationToken)
    {
        var registry = new ModelRegistry(new SqliteModelStore(new SqliteStoreOptions { Path = Path.GetFullPath(db) }, TimeProvider.System), profile, TimeProvider.System);
        var root = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(db))!, Path.GetFileNameWithoutExtension(db) + "-models");
        var table = new Table().AddColumns("registry model", "licence", "verdict", "status", "served");
        foreach (var (id, repo, card, license) in Models)
        {
            var model = registry.Store.Find(id);
            if (model is null)
            {
                var folder = WriteFolder(root, id, repo, card, license);
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
            table.AddRow(Markup.Escape(id), Markup.Escape(model.LicenseId ?? "-"), Markup.Escape(LicenseExplainer.Word(verdict.Outcome)), SqliteModelStore.StatusWord(model.Status), model.Status == ModelStatus.Approved ? "[green]yes[/]" : "[red]no[/]");
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

    private static string WriteFolder(string root, string id, string repo, string card, string? license)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, id)).FullName;
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"num_hidden_layers":32,"vocab_size":128256,"intermediate_size":14336,"num_attention_heads":32,"num_key_value_heads":8}""");
        File.WriteAllText(Path.Combine(dir, "README.md"), $"---\n{card}\n---\n# {repo}\n\nA simulated model of the Switchyard demo: the weights are a placeholder tensor.\n");
        var header = Encoding.UTF8.GetBytes("""{"model.embed_tokens.weight":{"dtype":"F32","shape":[4,4],"data_offsets":[0,64]}}""");
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[64]]);
        if (license is not null)
        {
            File.WriteAllText(Path.Combine(dir, "LICENSE"), license);
        }

        return dir;
    }
}
