using System.Collections.Immutable;

namespace Switchyard.Simulator.Tests;

public sealed class SimulatorOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sim-yaml-").FullName;

    [Fact]
    public void Profiles_HaveTheirModels()
    {
        Assert.Equal("llama-3.1-8b-instruct", Assert.Single(SimulatorOptions.Open().Models).Name);
        Assert.Equal("gpt-4o", Assert.Single(SimulatorOptions.Frontier().Models).Name);
        var instant = Assert.Single(SimulatorOptions.Instant().Models);
        Assert.Equal(TimeSpan.Zero, instant.TimeToFirstToken);
        Assert.True(double.IsPositiveInfinity(instant.TokensPerSecond));
        Assert.True(SimulatorOptions.Open().Models[0].Skill[PromptKinds.Code] < SimulatorOptions.Frontier().Models[0].Skill[PromptKinds.Code]);
        Assert.Throws<SimulatorConfigException>(() => SimulatorOptions.ForProfile("huge"));
    }

    [Fact]
    public void LoadYaml_ValidFile_ReadsEveryKey()
    {
        var path = Write("""
            host: 0.0.0.0
            port: 9001
            seed: 5
            accept_any_model: false
            models:
              - name: my-llama
                profile: open
                time_to_first_token: 80ms
                tokens_per_second: 50
                tokens_per_chunk: 2
                skill: { code: 0.3 }
                wrong_share: 0.25
                fault_rates: { rate_limit: 0.1, unavailable: 0.05 }
              - name: fast
                time_to_first_token: 0
                tokens_per_second: infinity
                embedding_dimensions: 64
                context_window: 4096
            """);
        var options = SimulatorOptions.LoadYaml(path);

        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(9001, options.Port);
        Assert.Equal(5, options.Seed);
        Assert.False(options.AcceptAnyModel);
        var llama = options.Models[0];
        Assert.Equal("my-llama", llama.Name);
        Assert.Equal(TimeSpan.FromMilliseconds(80), llama.TimeToFirstToken);
        Assert.Equal(0.3, llama.TimeToFirstTokenJitter);
        Assert.Equal(50, llama.TokensPerSecond);
        Assert.Equal(2, llama.TokensPerChunk);
        Assert.Equal(0.3, llama.Skill[PromptKinds.Code]);
        Assert.Equal(0.9, llama.Skill[PromptKinds.General]);
        Assert.Equal(0.1, llama.FaultRates[SimulatorFaults.RateLimit]);
        Assert.Equal(0.25, llama.WrongShare);
        Assert.Equal(0, options.Models[1].WrongShare);
        Assert.True(double.IsPositiveInfinity(options.Models[1].TokensPerSecond));
        Assert.Equal(64, options.Models[1].EmbeddingDimensions);
        Assert.Equal(4096, options.Models[1].ContextWindow);
    }

    [Fact]
    public void LoadYaml_InvalidValues_ReportsEveryErrorWithFileLineAndKey()
    {
        var path = Write("""
            port: 99999
            colour: blue
            models:
              - name: a
                tokens_per_second: fast
                time_to_first_token: 120
                skill: { code: 1.5, poetry: 0.5 }
                fault_rates: { meteor: 0.1 }
            """);
        var error = Assert.Throws<SimulatorConfigException>(() => SimulatorOptions.LoadYaml(path));

        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:1:", StringComparison.Ordinal) && e.Contains("port", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:2:", StringComparison.Ordinal) && e.Contains("colour: unknown key", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:5:", StringComparison.Ordinal) && e.Contains("models[0].tokens_per_second", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:6:", StringComparison.Ordinal) && e.Contains("with a unit", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:7:", StringComparison.Ordinal) && e.Contains("models[0].skill.code", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:7:", StringComparison.Ordinal) && e.Contains("models[0].skill.poetry", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:8:", StringComparison.Ordinal) && e.Contains("models[0].fault_rates.meteor", StringComparison.Ordinal));
        Assert.Equal(7, error.Errors.Length);
    }

    [Fact]
    public void LoadYaml_WrongShareOutOfRangeOrNotANumber_SaysWhereAndWhatToUse()
    {
        var path = Write("""
            models:
              - name: a
                wrong_share: 1.5
              - name: b
                wrong_share: -0.1
              - name: c
                wrong_share: lots
              - name: d
                wrong_share: 1
            """);
        var error = Assert.Throws<SimulatorConfigException>(() => SimulatorOptions.LoadYaml(path));

        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:3:", StringComparison.Ordinal) && e.Contains("models[0].wrong_share: 1.5 is not a share; use a number from 0", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:5:", StringComparison.Ordinal) && e.Contains("models[1].wrong_share: -0.1 is not a share", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith($"{path}:7:", StringComparison.Ordinal) && e.Contains("models[2].wrong_share: 'lots' is not a number", StringComparison.Ordinal));
        Assert.Equal(3, error.Errors.Length);
    }

    [Fact]
    public async Task StartAsync_WrongShareNotANumber_IsRejected()
    {
        var options = new SimulatorOptions { Models = [new SimulatedModel { Name = "x", WrongShare = double.NaN }] };
        var error = await Assert.ThrowsAsync<SimulatorConfigException>(() => SimulatorHost.StartAsync(options));
        Assert.Contains(error.Errors, e => e.StartsWith("models[0].wrong_share", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadYaml_BrokenYamlOrMissingFile_SaysWhere()
    {
        var broken = Write("models: [\n  - name: a\n");
        var error = Assert.Throws<SimulatorConfigException>(() => SimulatorOptions.LoadYaml(broken));
        Assert.StartsWith(broken + ":", Assert.Single(error.Errors), StringComparison.Ordinal);

        var missing = Path.Combine(_directory, "nope.yaml");
        Assert.Contains(missing, Assert.Throws<SimulatorConfigException>(() => SimulatorOptions.LoadYaml(missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ListsEveryProblem()
    {
        var options = new SimulatorOptions
        {
            Models =
            [
                new SimulatedModel { Name = "x", TokensPerChunk = 0 },
                new SimulatedModel { Name = "x", FaultRates = ImmutableDictionary<string, double>.Empty.Add("reset", 0.7).Add("stall", 0.7) },
            ],
        };
        var error = await Assert.ThrowsAsync<SimulatorConfigException>(() => SimulatorHost.StartAsync(options));
        Assert.Contains(error.Errors, e => e.StartsWith("models[0].tokens_per_chunk", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("models[1].name", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("models[1].fault_rates", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(_directory, $"sim-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
