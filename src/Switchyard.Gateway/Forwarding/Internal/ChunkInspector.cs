using System.Text.Json;

namespace Switchyard.Gateway.Forwarding.Internal;

/// <summary>What the relay needs to know about one streamed chunk.</summary>
internal readonly record struct ChunkInfo(bool Malformed, bool IsError, bool IsUsageOnly, bool HasFinishReason, Usage? Usage);

/// <summary>
/// Reads one streamed chunk in a single allocation-free pass: validates it as JSON and finds <c>error</c>, <c>usage</c>,
/// an empty <c>choices</c> (the usage-only chunk) and any non-null <c>finish_reason</c>.
/// </summary>
internal static class ChunkInspector
{
    public static ChunkInfo Inspect(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 256 });
        bool isError = false, emptyChoices = false, finish = false;
        Usage? usage = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new ChunkInfo(true, false, false, false, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        emptyChoices = !ReadChoices(ref reader, ref finish);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = UsageReader.ReadUsage(ref reader);
                    }
                }
                else
                {
                    isError |= reader.ValueTextEquals("error"u8);
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                return new ChunkInfo(true, false, false, false, null);
            }
        }
        catch (JsonException)
        {
            return new ChunkInfo(true, false, false, false, null);
        }

        return new ChunkInfo(false, isError, emptyChoices && usage is not null, finish, usage);
    }

    /// <summary>Walks the choices array; returns whether it had any element.</summary>
    private static bool ReadChoices(ref Utf8JsonReader reader, ref bool finish)
    {
        var any = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            any = true;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFinish = reader.ValueTextEquals("finish_reason"u8);
                reader.Read();
                if (isFinish)
                {
                    finish |= reader.TokenType == JsonTokenType.String;
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return any;
    }
}
