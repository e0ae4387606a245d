using System.Diagnostics;

namespace Switchyard.Gateway.Tests.Conformance;

/// <summary>Runs one of <c>tests/conformance/node</c>'s scripts (each drives the gateway with an official npm client).</summary>
internal static class NodeScript
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="baseUrl"/>; asserts it exits 0 with no check failed.</summary>
    public static async Task AssertPassesAsync(string script, string package, string baseUrl)
    {
        var folder = Path.Combine(OpenAINodeSdkTests.RepositoryRoot(), "tests", "conformance", "node");
        Assert.True(
            Directory.Exists(Path.Combine(folder, "node_modules", package)),
            $"The {package} npm package is not installed in {folder}: run scripts/test.sh, or `npm ci` in that folder.");

        var start = new ProcessStartInfo("node", [script, baseUrl])
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
        Assert.True(process.ExitCode == 0, $"{script} failed:\n{output}");
        Assert.Contains(" passed, 0 failed", output, StringComparison.Ordinal);
    }
}
