using System.Text.Json.Serialization;

namespace Switchyard.Gateway.Api;

/// <summary>Source-generated JSON metadata for the API's small cold-path answers.</summary>
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(RequestLogHealth))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
