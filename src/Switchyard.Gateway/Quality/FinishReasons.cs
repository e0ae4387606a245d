using System.Text.Json;

namespace Switchyard.Gateway.Quality;

/// <summary>The <c>finish_reason</c> values as shared strings, so reading one per stream allocates nothing.</summary>
internal static class FinishReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string ToolCalls = "tool_calls";
    public const string ContentFilter = "content_filter";
    public const string FunctionCall = "function_call";

    /// <summary>The reader's string value, one of the constants when it is a known reason.</summary>
    public static string Intern(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("stop"u8))
        {
            return Stop;
        }

        if (reader.ValueTextEquals("length"u8))
        {
            return Length;
        }

        if (reader.ValueTextEquals("tool_calls"u8))
        {
            return ToolCalls;
        }

        if (reader.ValueTextEquals("content_filter"u8))
        {
            return ContentFilter;
        }

        return reader.ValueTextEquals("function_call"u8) ? FunctionCall : reader.GetString()!;
    }
}
