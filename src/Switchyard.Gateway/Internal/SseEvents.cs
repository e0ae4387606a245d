namespace Switchyard.Gateway.Internal;

/// <summary>
/// Splits server-sent events out of a contiguous buffer: an event is its lines up to a blank line; of its lines only
/// <c>event:</c> and <c>data:</c> matter here (comments, <c>id:</c> and <c>retry:</c> are skipped). Used by the translating
/// streams, whose events are one JSON document each.
/// </summary>
internal static class SseEvents
{
    /// <summary>
    /// Finds the first complete event of <paramref name="buffer"/>. Returns false when no blank line ends one yet.
    /// <paramref name="consumed"/> counts the bytes up to and including the blank line; <paramref name="data"/> is the
    /// event's data (several data lines: the last; no LLM server sends more than one) and <paramref name="name"/> its
    /// <c>event:</c> name, each empty when absent.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> buffer, out int consumed, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> data)
    {
        consumed = 0;
        name = default;
        data = default;
        var position = 0;
        var sawLine = false;
        while (position < buffer.Length)
        {
            var newline = buffer[position..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return false;
            }

            var line = buffer.Slice(position, newline);
            position += newline + 1;
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                if (!sawLine)
                {
                    // Blank lines between events: skipped.
                    consumed = position;
                    continue;
                }

                consumed = position;
                return true;
            }

            sawLine = true;
            if (line.StartsWith("data:"u8))
            {
                data = Value(line[5..]);
            }
            else if (line.StartsWith("event:"u8))
            {
                name = Value(line[6..]);
            }
        }

        return false;

        static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> rest) => rest.Length > 0 && rest[0] == (byte)' ' ? rest[1..] : rest;
    }
}
