using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Switchyard.Gateway.Caching;

/// <summary>
/// The response cache's key: the route, the endpoint, the scope (a team, a key, or everybody), the plan the request
/// would follow (the tier order its rules, tags and router chose, and a pinned deployment), and the request normalised
/// to canonical JSON, hashed with SHA-256.
/// </summary>
/// <remarks>
/// Normalised: every field of the body takes part except those that do not change the answer: <c>stream</c> and
/// <c>stream_options</c> (a cached answer is served as a stream too), <c>user</c> and <c>metadata</c> (who asks and
/// what for; their effect on routing is in the plan), and <c>model</c> (the route stands for it). Object keys are sorted,
/// whitespace dropped, numbers written in one form (1, 1.0 and 1e0 alike; whole numbers exactly), strings re-escaped
/// one way. A field that is not listed here counts, so a new OpenAI parameter can only make the cache miss, never serve
/// a wrong answer (docs/decisions/0024).
/// </remarks>
internal static class CacheKeys
{
    /// <summary>The key of one request; <see langword="null"/> when the body is not a JSON object (the parser said so before).</summary>
    public static string? For(string prefix, string route, string endpoint, string scope, string plan, ReadOnlySpan<byte> body)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length + 128);
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("route"u8, route);
                writer.WriteString("endpoint"u8, endpoint);
                writer.WriteString("scope"u8, scope);
                writer.WriteString("plan"u8, plan);
                writer.WritePropertyName("request"u8);
                WriteCanonical(writer, document.RootElement, top: true);
                writer.WriteEndObject();
            }
        }
        catch (JsonException)
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return prefix + "cache:" + route + ":" + Convert.ToHexStringLower(hash);
    }

    /// <summary>The canonical JSON the key hashes (for tests and the decision's examples).</summary>
    public static string Canonical(ReadOnlySpan<byte> body)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, document.RootElement, top: true);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element, bool top)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new List<JsonProperty>();
                foreach (var property in element.EnumerateObject())
                {
                    if (!top || !Ignored(property.Name))
                    {
                        properties.Add(property);
                    }
                }

                // Ordinal and stable: equal names (a duplicate key) keep their order, as the last one wins upstream.
                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value, top: false);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item, top: false);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                // Whole numbers exactly (a seed may be a 64-bit integer); others as the double they parse to.
                if (element.TryGetInt64(out var whole))
                {
                    writer.WriteNumberValue(whole);
                }
                else if (element.TryGetDouble(out var number) && double.IsFinite(number) && number == Math.Floor(number) && Math.Abs(number) < 9e15)
                {
                    writer.WriteNumberValue((long)number);
                }
                else
                {
                    writer.WriteNumberValue(element.GetDouble());
                }

                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static bool Ignored(string name) => name is "stream" or "stream_options" or "user" or "metadata" or "model";
}
