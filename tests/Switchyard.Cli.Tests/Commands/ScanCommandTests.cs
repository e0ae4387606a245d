using System.CommandLine;
using System.Text.Json;
using Switchyard.Cli.Commands;

namespace Switchyard.Cli.Tests.Commands;

public sealed class ScanCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-scan-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A protocol-2 pickle of an empty collections.OrderedDict: allowed.
    private static readonly byte[] Benign = [0x80, 0x02, .. "ccollections\nOrderedDict\nq\x00)R."u8];

    // GLOBAL os.system, ('id',), REDUCE.
    private static readonly byte[] Malicious = [0x80, 0x02, .. "cos\nsystem\nX\x02\x00\x00\x00id"u8, 0x85, .. "R."u8];

    [Fact]
    public async Task Invoke_CleanFile_ExitsZeroWithATable()
    {
        var path = Path.Combine(_directory, "state.pkl");
        File.WriteAllBytes(path, Benign);

        var (exit, output, _) = await InvokeAsync("scan", path);

        Assert.Equal(0, exit);
        Assert.Contains("clean", output, StringComparison.Ordinal);
        Assert.Contains("1 file(s): 1 clean", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_MaliciousFolderAsJson_ExitsOneAndNamesTheGlobal()
    {
        File.WriteAllBytes(Path.Combine(_directory, "model.bin"), Malicious);

        var (exit, output, _) = await InvokeAsync("scan", _directory, "--json");

        Assert.Equal(1, exit);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.False(root.GetProperty("clean").GetBoolean());
        var file = root.GetProperty("files")[0];
        Assert.Equal(64, file.GetProperty("sha256").GetString()!.Length);
        Assert.Contains(file.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("global").GetString() == "os.system" && f.GetProperty("severity").GetString() == "critical");
        Assert.DoesNotContain(file.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("reason").GetString()!.StartsWith("could not be parsed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_MissingPath_ExitsTwoAndSaysWhich()
    {
        var missing = Path.Combine(_directory, "nope.safetensors");

        var (exit, _, error) = await InvokeAsync("scan", missing);

        Assert.Equal(2, exit);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_GgufJson_ReportsWhatTheFileSaysItIs()
    {
        var path = Path.Combine(_directory, "model.gguf");
        File.WriteAllBytes(path, MinimalGguf(("general.architecture", "llama"), ("general.license", "apache-2.0")));

        var (exit, output, _) = await InvokeAsync("scan", path, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var model = json.RootElement.GetProperty("files")[0].GetProperty("model");
        Assert.Equal("llama", model.GetProperty("architecture").GetString());
        Assert.Equal("apache-2.0", model.GetProperty("license").GetString());
    }

    /// <summary>A GGUF v3 file with string metadata and no tensors, padded to the default 32-byte alignment.</summary>
    private static byte[] MinimalGguf(params (string Key, string Value)[] metadata)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write(0ul);
        writer.Write((ulong)metadata.Length);
        foreach (var (key, value) in metadata)
        {
            WriteString(key);
            writer.Write(8u); // GGUF_TYPE_STRING
            WriteString(value);
        }

        while (stream.Length % 32 != 0)
        {
            writer.Write((byte)0);
        }

        writer.Flush();
        return stream.ToArray();

        void WriteString(string text)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            writer.Write((ulong)bytes.Length);
            writer.Write(bytes);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(ScanCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
