using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Text;

namespace Switchyard.Simulator.Tests;

/// <summary>
/// One simulator shared by a test class: the open and frontier models with their timing removed (so tests are fast and
/// their skills intact), a model that always answers well, and one that streams four tokens per chunk.
/// </summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public const string Open = "llama-3.1-8b-instruct";
    public const string Frontier = "gpt-4o";
    public const string Perfect = "perfect";
    public const string Chunky = "chunky";

    public SimulatorHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static ImmutableDictionary<string, double> PerfectSkill { get; } =
        PromptKinds.All.ToImmutableDictionary(k => k, _ => 1.0);

    public static SimulatorOptions Options() => new()
    {
        Seed = 7,
        Models =
        [
            SimulatorOptions.OpenModel() with { TimeToFirstToken = TimeSpan.Zero, TokensPerSecond = 0 },
            SimulatorOptions.FrontierModel() with { TimeToFirstToken = TimeSpan.Zero, TokensPerSecond = 0 },
            new SimulatedModel { Name = Perfect, Skill = PerfectSkill },
            new SimulatedModel { Name = Chunky, Skill = PerfectSkill, TokensPerChunk = 4 },
        ],
    };

    public async Task InitializeAsync()
    {
        Host = await SimulatorHost.StartAsync(Options());
        Client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static HttpRequestMessage Post(string path, string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    /// <summary>A chat request body with one user message.</summary>
    public static string ChatBody(string model, string prompt, string extra = "")
        => $$"""{"model":"{{model}}","messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(prompt)}}}]{{(extra.Length > 0 ? "," + extra : "")}}}""";
}
