using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// Writes an embeddings response in OpenAI's format: <c>{"object":"list","data":[{"object":"embedding","index","embedding"}],
/// "model","usage"}</c>, the vectors as float arrays or as base64 of little-endian float32, as OpenAI encodes them.
/// </summary>
internal static class EmbeddingResponseWriter
{
    public static void Write(Utf8JsonWriter writer, EmbeddingRequest request, JsonEncodedText model, ulong modelHash, int dimensions)
    {
        var vector = ArrayPool<float>.Shared.Rent(dimensions);
        var bytes = request.Base64 ? ArrayPool<byte>.Shared.Rent(dimensions * sizeof(float)) : null;
        try
        {
            writer.WriteStartObject();
            writer.WriteString(JsonNames.Object, JsonNames.ListValue);
            writer.WriteStartArray(JsonNames.Data);
            for (var i = 0; i < request.Inputs.Count; i++)
            {
                var input = request.Inputs[i];
                var span = vector.AsSpan(0, dimensions);
                EmbeddingGenerator.Fill(span, modelHash, input.Words, input.Whole);
                writer.WriteStartObject();
                writer.WriteString(JsonNames.Object, JsonNames.EmbeddingValue);
                writer.WriteNumber(JsonNames.Index, i);
                if (bytes is not null)
                {
                    var raw = bytes.AsSpan(0, dimensions * sizeof(float));
                    if (BitConverter.IsLittleEndian)
                    {
                        MemoryMarshal.AsBytes(span).CopyTo(raw);
                    }
                    else
                    {
                        for (var d = 0; d < dimensions; d++)
                        {
                            BinaryPrimitives.WriteSingleLittleEndian(raw[(d * sizeof(float))..], span[d]);
                        }
                    }

                    writer.WriteBase64String(JsonNames.Embedding, raw);
                }
                else
                {
                    writer.WriteStartArray(JsonNames.Embedding);
                    foreach (var value in span)
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString(JsonNames.Model, model);
            writer.WriteStartObject(JsonNames.Usage);
            writer.WriteNumber(JsonNames.PromptTokens, request.PromptTokens);
            writer.WriteNumber(JsonNames.TotalTokens, request.PromptTokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
            if (bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }
}
