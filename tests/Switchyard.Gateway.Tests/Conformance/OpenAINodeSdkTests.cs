using System.Diagnostics;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Conformance;

/// <summary>
/// The official <c>openai</c> npm client against the gateway: <c>tests/conformance/node/openai-conformance.mjs</c> runs a
/// list of checks and exits non-zero if any fails. Its packages are installed by <c>scripts/test.sh</c> (<c>npm ci</c>).
/// </summary>
public class OpenAINodeSdkTests
{
    [Fact]
    public async Task OpenAINpmClient_PassesEveryCheck()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "conformance", "node");
        Assert.True(
            Directory.Exists(Path.Combine(folder, "node_modules", "openai")),
            $"The openai npm package is not installed in {folder}: run scripts/test.sh, or `npm ci` in that folder.");

        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "llama-3.1-8b-instruct")]), ("embeddings", [("emb", "e")]));
        var start = new ProcessStartInfo("node", ["openai-conformance.mjs", gateway.OpenAIBaseUrl.ToString()])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"openai-conformance.mjs failed:\n{output}");
        Assert.Contains(" passed, 0 failed", output, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchyard.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Switchyard.slnx not found above " + AppContext.BaseDirectory);
    }
}
