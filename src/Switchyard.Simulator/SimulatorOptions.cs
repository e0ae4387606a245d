using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Switchyard.Simulator.Configuration;

namespace Switchyard.Simulator;

/// <summary>
/// How to run a <see cref="SimulatorHost"/>: where it listens and which models it serves. Start from a built-in profile
/// (<see cref="Open"/>, <see cref="Frontier"/>, <see cref="Instant"/>) or a YAML file (<see cref="LoadYaml"/>) and adjust with
/// <c>with</c>.
/// </summary>
public sealed record SimulatorOptions
{
    /// <summary>The built-in profile names <see cref="ForProfile"/> accepts.</summary>
    public static ImmutableArray<string> ProfileNames { get; } = ["open", "frontier", "instant", "mixed", "reasoning"];

    /// <summary>The address Kestrel binds. 127.0.0.1 by default: the simulator is a test fixture, not a public service.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 (the default) picks a free one, reported by <see cref="SimulatorHost.BaseAddress"/>.</summary>
    public int Port { get; init; }

    /// <summary>The models served. The first one also serves unknown names when <see cref="AcceptAnyModel"/> is on.</summary>
    public ImmutableArray<SimulatedModel> Models { get; init; } = [];

    /// <summary>
    /// Serve unknown model names with the first model's behaviour (true, the default), or answer 404 <c>model_not_found</c>.
    /// </summary>
    public bool AcceptAnyModel { get; init; } = true;

    /// <summary>The clock for every wait (time to first token, decoding, faults). <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Seed of the random source for timing jitter and <see cref="SimulatedModel.FaultRates"/>; random when null.</summary>
    public int? Seed { get; init; }

    /// <summary>Where the simulator and Kestrel log. Nothing is logged when null, so tests stay quiet.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// A self-hosted open model: <c>llama-3.1-8b-instruct</c>, about 120 ms to first token (±30%) and 70 tokens/s (±20%),
    /// good at general chat and weaker on code, legal, medical and math prompts.
    /// </summary>
    public static SimulatorOptions Open() => new() { Models = [OpenModel()] };

    /// <summary>
    /// A frontier API: <c>gpt-4o</c>, about 350 ms to first token (±25%) and 90 tokens/s (±20%), skilled at everything.
    /// </summary>
    public static SimulatorOptions Frontier() => new() { Models = [FrontierModel()] };

    /// <summary>
    /// For benchmarks: <c>sim-instant</c> answers at once (no time to first token, unbounded tokens/s), always well, so the
    /// simulator costs about what a minimal Kestrel endpoint costs.
    /// </summary>
    public static SimulatorOptions Instant() => new() { Models = [InstantModel()] };

    /// <summary>Both the open and the frontier model in one server (unknown names get the open model).</summary>
    public static SimulatorOptions Mixed() => new() { Models = [OpenModel(), FrontierModel()] };

    /// <summary>
    /// A reasoning API model: <c>o4-mini</c>, which spends about 400 hidden reasoning tokens (200 to 600) on each answer
    /// before its first visible token, reported in <c>completion_tokens_details.reasoning_tokens</c>.
    /// </summary>
    public static SimulatorOptions Reasoning() => new() { Models = [ReasoningModel()] };

    /// <summary>The options of a built-in profile by name: <c>open</c>, <c>frontier</c>, <c>instant</c>, <c>mixed</c> or <c>reasoning</c>.</summary>
    /// <exception cref="SimulatorConfigException">The name is none of these.</exception>
    public static SimulatorOptions ForProfile(string profile) => profile switch
    {
        "open" => Open(),
        "frontier" => Frontier(),
        "instant" => Instant(),
        "mixed" => Mixed(),
        "reasoning" => Reasoning(),
        _ => throw new SimulatorConfigException($"profile: unknown profile '{profile}'; use one of: {string.Join(", ", ProfileNames)}."),
    };

    /// <summary>
    /// Reads options from a YAML file (format in the project's README.md). Every problem is reported at once, each with the
    /// file, line and key.
    /// </summary>
    /// <exception cref="SimulatorConfigException">The file is missing, is not valid YAML, or holds invalid values.</exception>
    public static SimulatorOptions LoadYaml(string path) => SimulatorYamlLoader.Load(path);

    internal static SimulatedModel OpenModel() => new()
    {
        Name = "llama-3.1-8b-instruct",
        TimeToFirstToken = TimeSpan.FromMilliseconds(120),
        TimeToFirstTokenJitter = 0.3,
        TokensPerSecond = 70,
        TokensPerSecondJitter = 0.2,
        Skill = Skills(general: 0.9, code: 0.55, legal: 0.6, medical: 0.6, math: 0.65, json: 0.8),
        ContextWindow = 8192,
        // vLLM's automatic prefix caching, in its 16-token blocks.
        PrefixCacheBlockTokens = 16,
    };

    internal static SimulatedModel FrontierModel() => new()
    {
        Name = "gpt-4o",
        TimeToFirstToken = TimeSpan.FromMilliseconds(350),
        TimeToFirstTokenJitter = 0.25,
        TokensPerSecond = 90,
        TokensPerSecondJitter = 0.2,
        Skill = Skills(general: 0.99, code: 0.96, legal: 0.95, medical: 0.95, math: 0.96, json: 0.99),
        EmbeddingDimensions = 1536,
        ContextWindow = 128_000,
        // OpenAI's prompt caching, in steps of 128 tokens.
        PrefixCacheBlockTokens = 128,
    };

    internal static SimulatedModel ReasoningModel() => new()
    {
        Name = "o4-mini",
        TimeToFirstToken = TimeSpan.FromMilliseconds(400),
        TimeToFirstTokenJitter = 0.25,
        TokensPerSecond = 150,
        TokensPerSecondJitter = 0.2,
        Skill = Skills(general: 0.98, code: 0.97, legal: 0.94, medical: 0.94, math: 0.99, json: 0.98),
        ContextWindow = 200_000,
        PrefixCacheBlockTokens = 128,
        ReasoningTokens = 400,
    };

    internal static SimulatedModel InstantModel() => new()
    {
        Name = "sim-instant",
        TimeToFirstToken = TimeSpan.Zero,
        TokensPerSecond = double.PositiveInfinity,
        Skill = Skills(general: 1, code: 1, legal: 1, medical: 1, math: 1, json: 1),
        ContextWindow = 128_000,
    };

    private static ImmutableDictionary<string, double> Skills(double general, double code, double legal, double medical, double math, double json)
        => ImmutableDictionary.CreateRange(
        [
            KeyValuePair.Create(PromptKinds.General, general),
            KeyValuePair.Create(PromptKinds.Code, code),
            KeyValuePair.Create(PromptKinds.Legal, legal),
            KeyValuePair.Create(PromptKinds.Medical, medical),
            KeyValuePair.Create(PromptKinds.Math, math),
            KeyValuePair.Create(PromptKinds.Json, json),
        ]);
}
