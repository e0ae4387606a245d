using System.Text;
using System.Text.Json;
using Switchyard.Simulator.Faults;
using Switchyard.Simulator.Generation;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Configuration;

/// <summary>
/// A <see cref="SimulatedModel"/> compiled for the request path: names pre-encoded, skills and fault rates in arrays indexed
/// by enum, so a request reads it without lookups or allocations.
/// </summary>
internal sealed class ModelProfile
{
    public ModelProfile(SimulatedModel model)
    {
        Model = model;
        Name = model.Name;
        EncodedName = JsonFormat.Encode(model.Name);
        NameHash = StableHash.Hash(Encoding.UTF8.GetBytes(model.Name));
        Fingerprint = JsonFormat.Encode($"fp_{NameHash & 0xFF_FFFF_FFFF:x10}");
        TimeToFirstToken = model.TimeToFirstToken;
        TimeToFirstTokenJitter = model.TimeToFirstTokenJitter;
        TokensPerSecond = double.IsPositiveInfinity(model.TokensPerSecond) ? 0 : model.TokensPerSecond;
        TokensPerSecondJitter = model.TokensPerSecondJitter;
        TokensPerChunk = model.TokensPerChunk;
        EmbeddingDimensions = model.EmbeddingDimensions;
        ContextWindow = model.ContextWindow;
        WrongShare = model.WrongShare;
        ReasoningTokens = model.ReasoningTokens;
        PrefixCache = model.PrefixCacheBlockTokens > 0 ? new PrefixCache(model.PrefixCacheBlockTokens) : null;
        IsInstant = TimeToFirstToken == TimeSpan.Zero && TokensPerSecond == 0;

        var general = model.Skill.TryGetValue(PromptKinds.General, out var g) ? g : 1.0;
        for (var i = 0; i < Skill.Length; i++)
        {
            Skill[i] = model.Skill.TryGetValue(PromptKinds.All[i], out var s) ? s : general;
        }

        var cumulative = 0.0;
        var rates = new List<(SimulatorFault, double)>();
        foreach (var name in SimulatorFaults.All)
        {
            if (model.FaultRates.TryGetValue(name, out var rate) && rate > 0 && FaultNames.TryParse(name, out var fault))
            {
                cumulative += rate;
                rates.Add((fault, cumulative));
            }
        }

        FaultTable = [.. rates];
    }

    public SimulatedModel Model { get; }

    public string Name { get; }

    public JsonEncodedText EncodedName { get; }

    /// <summary>Hash of the name, folded into every answer so two models answer differently.</summary>
    public ulong NameHash { get; }

    /// <summary>A <c>system_fingerprint</c> stable per model, as OpenAI's is per backend configuration.</summary>
    public JsonEncodedText Fingerprint { get; }

    public TimeSpan TimeToFirstToken { get; }

    public double TimeToFirstTokenJitter { get; }

    /// <summary>Decoding speed; 0 means instant.</summary>
    public double TokensPerSecond { get; }

    public double TokensPerSecondJitter { get; }

    public int TokensPerChunk { get; }

    /// <summary>Mean hidden reasoning tokens per answer (0: not a reasoning model).</summary>
    public int ReasoningTokens { get; }

    /// <summary>This model's prompt cache on this host, or <see langword="null"/> when it has none.</summary>
    public PrefixCache? PrefixCache { get; }

    public int EmbeddingDimensions { get; }

    public int ContextWindow { get; }

    /// <summary>No wait at all: the request path skips the clock entirely.</summary>
    public bool IsInstant { get; }

    /// <summary>Share of the bad answers that are plausible but wrong.</summary>
    public double WrongShare { get; }

    /// <summary>Probability of a good answer, indexed by <see cref="PromptKind"/>.</summary>
    public double[] Skill { get; } = new double[PromptKinds.All.Length];

    /// <summary>Faults with cumulative probabilities, for one uniform draw per request.</summary>
    public (SimulatorFault Fault, double Cumulative)[] FaultTable { get; }

    /// <summary>Picks a configured fault for one request from a uniform draw, or <see cref="SimulatorFault.None"/>.</summary>
    public SimulatorFault DrawFault(double uniform)
    {
        foreach (var (fault, cumulative) in FaultTable)
        {
            if (uniform < cumulative)
            {
                return fault;
            }
        }

        return SimulatorFault.None;
    }
}
