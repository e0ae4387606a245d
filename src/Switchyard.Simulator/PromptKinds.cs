using System.Collections.Immutable;

namespace Switchyard.Simulator;

/// <summary>
/// The kinds of prompt the simulator tells apart, the keys of <see cref="SimulatedModel.Skill"/>. A keyword classifier reads
/// the last user message; <see cref="Json"/> is chosen when <c>response_format</c> asks for JSON.
/// </summary>
public static class PromptKinds
{
    /// <summary>Anything the classifier does not recognise.</summary>
    public const string General = "general";

    /// <summary>Programming: code, functions, languages, bugs, SQL.</summary>
    public const string Code = "code";

    /// <summary>Contracts, clauses, liability, courts.</summary>
    public const string Legal = "legal";

    /// <summary>Symptoms, diagnoses, dosages, treatments.</summary>
    public const string Medical = "medical";

    /// <summary>Equations, proofs, calculations.</summary>
    public const string Math = "math";

    /// <summary>The request asks for JSON (<c>response_format</c> <c>json_object</c> or <c>json_schema</c>).</summary>
    public const string Json = "json";

    /// <summary>Every kind, in a stable order.</summary>
    public static ImmutableArray<string> All { get; } = [General, Code, Legal, Medical, Math, Json];
}
