using System.Text.Json.Serialization;

namespace Switchyard.Storage.Internal;

/// <summary>Source-generated JSON for the JSON columns the stores write (a key's metadata, a registry model's record, an escalation's check signals, an evaluation run's models).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SortedDictionary<string, double>))]
[JsonSerializable(typeof(Models.ModelRecord))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
