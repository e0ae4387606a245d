using System.Text.Json.Serialization;

namespace Switchyard.Gateway;

/// <summary>Source-generated JSON metadata for the few types the gateway serialises with the serializer.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
