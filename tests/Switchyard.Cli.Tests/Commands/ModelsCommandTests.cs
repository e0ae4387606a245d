using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Switchyard.Cli.Commands;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard models</c> and <c>audit</c> end to end through the CLI: register, check, sign off, verify files, export the BOM, detect tampering.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-models-cli-").FullName;

    private string Db => Path.Combine(_directory, "switchyard.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>An OLMo folder: config, a card with an Apache-2.0 licence, a tiny safetensors file.</summary>
    private string OlmoFolder(string card = "license: apache-2.0")
    {
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "olmo")).FullName;
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"architectures":["Olmo2ForCausalLM"],"model_type":"olmo2"}""");
        File.WriteAllText(Path.Combine(folder, "README.md"), $"---\n{card}\n---\n# OLMo\n");
        var header = Encoding.UTF8.GetBytes("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""");
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[8]]);
        return folder;
    }

    [Fact]
    public async Task Models_AddCheckApproveVerifyBom_AndAuditVerifyFindsAnEdit()
    {
        var folder = OlmoFolder();

        var (added, addOutput, _) = await InvokeAsync("models", "add", "--db", Db, "--from-dir", folder, "--source", $"hf://allenai/OLMo-2-1124-7B@{Commit}");
        Assert.Equal(0, added);
        Assert.Contains("Registered olmo-2-1124-7b: scanned", addOutput);
        Assert.Equal(0, (await InvokeAsync("models", "check", "--db", Db, "olmo-2-1124-7b")).Exit);

        Assert.Equal(0, (await InvokeAsync("models", "approve", "--db", Db, "olmo-2-1124-7b", "--as", "legal", "--by", "lena")).Exit);
        var (approved, approveOutput, _) = await InvokeAsync("models", "approve", "--db", Db, "olmo-2-1124-7b", "--as", "security", "--by", "sam");
        Assert.Equal((0, true), (approved, approveOutput.Contains("olmo-2-1124-7b: approved", StringComparison.Ordinal)));
        var (refused, _, refusal) = await InvokeAsync("models", "reject", "--db", Db, "olmo-2-1124-7b", "--as", "legal", "--reason", "late");
        Assert.Equal(1, refused);
        Assert.Contains("approved", refusal);

        Assert.Equal(0, (await InvokeAsync("models", "verify", "--db", Db, "olmo-2-1124-7b", "--dir", folder)).Exit);
        File.AppendAllText(Path.Combine(folder, "config.json"), " ");
        var (changed, changedOutput, _) = await InvokeAsync("models", "verify", "--db", Db, "olmo-2-1124-7b", "--dir", folder);
        Assert.Equal(1, changed);
        Assert.Contains("changed: config.json", changedOutput);

        var bomPath = Path.Combine(_directory, "bom.json");
        Assert.Equal(0, (await InvokeAsync("models", "bom", "--db", Db, "-o", bomPath)).Exit);
        var component = JsonDocument.Parse(File.ReadAllText(bomPath)).RootElement.GetProperty("components")[0];
        Assert.Equal(("machine-learning-model", $"pkg:huggingface/allenai/OLMo-2-1124-7B@{Commit}"), (component.GetProperty("type").GetString(), component.GetProperty("purl").GetString()));

        Assert.Equal(0, (await InvokeAsync("audit", "verify", "--db", Db)).Exit);
        using (var connection = new SqliteConnection($"Data Source={Db}"))
        {
            connection.Open();
            using var edit = connection.CreateCommand();
            edit.CommandText = "UPDATE admin_audit SET detail = 'role=legal; status=scanned; reason=nothing to see' WHERE seq = 3;";
            edit.ExecuteNonQuery();
        }

        var (broken, brokenOutput, _) = await InvokeAsync("audit", "verify", "--db", Db);
        Assert.Equal(1, broken);
        Assert.Contains("entry 3 (model.sign-license olmo-2-1124-7b by lena", brokenOutput);
    }

    [Fact]
    public async Task ModelsVerify_ManifestThatDisagrees_ExitsOne_NextToTheWeightsToo_AndAMalformedOneTwo()
    {
        var folder = OlmoFolder();
        Assert.Equal(0, (await InvokeAsync("models", "add", "--db", Db, "--from-dir", folder, "--id", "olmo")).Exit);
        var served = Path.Combine(_directory, "served.json");
        var weights = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(served, $$"""
            {"manifest_version": 1, "files": [
              {"path": "model.safetensors", "size": {{weights.Length}}, "sha256": "{{new string('0', 64)}}"},
              {"path": "adapter.bin", "size": 1, "sha256": "{{new string('1', 64)}}"}]}
            """);

        var (exit, output, _) = await InvokeAsync("models", "verify", "--db", Db, "olmo", "--manifest", served);
        Assert.Equal(1, exit);
        Assert.Contains("changed: model.safetensors: the manifest says sha256 " + new string('0', 64), output);
        Assert.Contains("unexpected: adapter.bin", output);
        Assert.Contains("missing: config.json", output);

        // The same manifest next to the weights is found by --dir, which also hashes the files (they match).
        File.Copy(served, Path.Combine(folder, "switchyard-manifest.json"));
        var (nextTo, nextToOutput, _) = await InvokeAsync("models", "verify", "--db", Db, "olmo", "--dir", folder);
        Assert.Equal(1, nextTo);
        Assert.Contains($"the folder {folder}: all 3 files match", nextToOutput);
        Assert.Contains("switchyard-manifest.json and the registry", nextToOutput);

        File.WriteAllText(served, "{ not json");
        var (malformed, _, error) = await InvokeAsync("models", "verify", "--db", Db, "olmo", "--manifest", served);
        Assert.Equal(2, malformed);
        Assert.Contains("not valid JSON", error);
        Assert.NotEqual(0, (await InvokeAsync("models", "verify", "--db", Db, "olmo")).Exit);
    }

    [Fact]
    public async Task ModelsScan_ScansTheFolderAgain_AndRefusesOtherFiles()
    {
        var folder = OlmoFolder();
        Assert.Equal(0, (await InvokeAsync("models", "add", "--db", Db, "--from-dir", folder, "--id", "olmo")).Exit);

        var (exit, output, _) = await InvokeAsync("models", "scan", "--db", Db, "olmo", "--dir", folder, "--by", "sam");
        Assert.Equal(0, exit);
        Assert.Contains("olmo: scanned; scan clean (0 findings)", output);

        File.WriteAllText(Path.Combine(folder, "extra.py"), "print('hi')");
        var (refused, _, error) = await InvokeAsync("models", "scan", "--db", Db, "olmo", "--dir", folder);
        Assert.Equal(2, refused);
        Assert.Contains("extra.py was not registered", error);
    }

    [Fact]
    public async Task ModelsShow_AdapterOfARejectedBase_SaysItIsNotServedAndWhy()
    {
        Assert.Equal(0, (await InvokeAsync("models", "add", "--db", Db, "--from-dir", OlmoFolder(), "--id", "olmo")).Exit);
        var adapter = Directory.CreateDirectory(Path.Combine(_directory, "adapter")).FullName;
        File.WriteAllText(Path.Combine(adapter, "README.md"), "---\nlicense: apache-2.0\nbase_model: olmo\nbase_model_relation: adapter\n---\n");
        File.WriteAllText(Path.Combine(adapter, "adapter_config.json"), """{"base_model_name_or_path":"olmo","peft_type":"LORA"}""");
        Assert.Equal(0, (await InvokeAsync("models", "add", "--db", Db, "--from-dir", adapter, "--id", "olmo-lora")).Exit);
        Assert.Equal(0, (await InvokeAsync("models", "reject", "--db", Db, "olmo", "--as", "security", "--reason", "weights replaced upstream")).Exit);

        var (exit, output, _) = await InvokeAsync("models", "show", "--db", Db, "olmo-lora");

        Assert.Equal(0, exit);
        Assert.Contains("NOT SERVED: olmo-lora is withdrawn with its base model 'olmo', which is rejected in the registry", output);
        var (check, checkOutput, _) = await InvokeAsync("models", "check", "--db", Db, "olmo-lora");
        Assert.Equal(3, check);
        Assert.Contains("olmo-lora: derives olmo-lora [apache-2.0] <- olmo [apache-2.0]", checkOutput);
    }

    [Fact]
    public async Task AuditVerify_ModelApprovedInTheTable_ExitsOneNamingIt()
    {
        Assert.Equal(0, (await InvokeAsync("models", "add", "--db", Db, "--from-dir", OlmoFolder(), "--id", "olmo")).Exit);
        Assert.Equal(0, (await InvokeAsync("audit", "verify", "--db", Db)).Exit);
        using (var connection = new SqliteConnection($"Data Source={Db}"))
        {
            connection.Open();
            using var edit = connection.CreateCommand();
            edit.CommandText = "UPDATE models SET status = 'approved' WHERE id = 'olmo';";
            edit.ExecuteNonQuery();
        }

        var (broken, output, _) = await InvokeAsync("audit", "verify", "--db", Db);

        Assert.Equal(1, broken);
        Assert.Contains("model 'olmo': its row does not match its last audit entry", output);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
