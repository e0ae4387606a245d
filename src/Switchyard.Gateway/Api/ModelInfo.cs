using System.Text.Json.Serialization;

namespace Switchyard.Gateway.Api;

/// <summary>One entry of OpenAI's model list.</summary>
internal sealed record ModelInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy);
