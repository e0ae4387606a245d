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
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "llama-3.1-8b-instruct")]), ("embeddings", [("emb", "e")]));
        await NodeScript.AssertPassesAsync("openai-conformance.mjs", "openai", gateway.OpenAIBaseUrl.ToString());
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
