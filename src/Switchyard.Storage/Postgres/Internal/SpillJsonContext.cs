using System.Text.Json.Serialization;

namespace Switchyard.Storage.Postgres.Internal;

/// <summary>The spill file's JSON: every field of a request log entry, doubles such as NaN included.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SpillBatch))]
internal sealed partial class SpillJsonContext : JsonSerializerContext;
