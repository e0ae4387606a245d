using System.Buffers.Binary;
using System.Text.Json;

namespace Switchyard.Gateway.Caching;

/// <summary>
/// One answer in the response cache: the upstream's whole JSON answer as the client got it, and what the request log
/// needs to account for serving it again (who answered it first, its tokens).
/// </summary>
/// <param name="Body">The JSON answer (a chat completion, a completion or an embedding list).</param>
/// <param name="Deployment">The deployment that answered it.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="PromptTokens">Its input tokens (for the baseline counterfactual of a hit).</param>
/// <param name="CompletionTokens">Its output tokens.</param>
/// <param name="StoredAt">When it was stored.</param>
internal sealed record CachedAnswer(byte[] Body, string? Deployment, string? Tier, int PromptTokens, int CompletionTokens, DateTimeOffset StoredAt)
{
    /// <summary>The bytes it takes in a store: the answer plus a small header.</summary>
    public int Size => Body.Length + 64 + ((Deployment?.Length ?? 0) * 2) + ((Tier?.Length ?? 0) * 2);

    /// <summary>The stored form: a 4-byte length, a JSON header, then the answer as it is.</summary>
    public byte[] Encode()
    {
        using var header = new MemoryStream(128);
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("deployment"u8, Deployment);
            writer.WriteString("tier"u8, Tier);
            writer.WriteNumber("prompt_tokens"u8, PromptTokens);
            writer.WriteNumber("completion_tokens"u8, CompletionTokens);
            writer.WriteNumber("stored_at"u8, StoredAt.ToUnixTimeMilliseconds());
            writer.WriteEndObject();
        }

        var bytes = new byte[4 + header.Length + Body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)header.Length);
        header.GetBuffer().AsSpan(0, (int)header.Length).CopyTo(bytes.AsSpan(4));
        Body.CopyTo(bytes.AsSpan(4 + (int)header.Length));
        return bytes;
    }

    /// <summary>Reads <see cref="Encode"/>'s form; <see langword="null"/> for anything else (a foreign or damaged value is a miss).</summary>
    public static CachedAnswer? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (length <= 0 || length > bytes.Length - 4)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(bytes.Slice(4, length));
            string? deployment = null, tier = null;
            int prompt = 0, completion = 0;
            long stored = 0;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                var name = reader.ValueSpan;
                reader.Read();
                if (name.SequenceEqual("deployment"u8))
                {
                    deployment = reader.GetString();
                }
                else if (name.SequenceEqual("tier"u8))
                {
                    tier = reader.GetString();
                }
                else if (name.SequenceEqual("prompt_tokens"u8))
                {
                    prompt = reader.GetInt32();
                }
                else if (name.SequenceEqual("completion_tokens"u8))
                {
                    completion = reader.GetInt32();
                }
                else if (name.SequenceEqual("stored_at"u8))
                {
                    stored = reader.GetInt64();
                }
            }

            return new CachedAnswer(bytes[(4 + length)..].ToArray(), deployment, tier, prompt, completion, DateTimeOffset.FromUnixTimeMilliseconds(stored));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
