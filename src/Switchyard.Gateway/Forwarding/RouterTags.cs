using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// The tags the learned router reads as features: every tag a request carries, comma-separated. Serving, recording and
/// training use this one definition, so that a router learns from the same tags it is later shown.
/// </summary>
/// <remarks>
/// A request carries the tags of its <c>x-switchyard-tags</c> header and of <c>metadata.tags</c>; when it brings none of
/// its own, its key's default tags (as the routing rules read them); and always the route's own <c>tags</c>. The label
/// that picked a tier (a tag, or the content classifier's category) comes first. Recorded escalations and outcome samples
/// keep the request's tags without the label, which they store on its own; <see cref="Combine"/> joins the two again.
/// </remarks>
internal static class RouterTags
{
    /// <summary>How many characters of tags the router reads; the tags past it are dropped whole.</summary>
    public const int MaxChars = 1024;

    /// <summary>
    /// Writes <paramref name="label"/> and the request's tags into <paramref name="destination"/>, comma-separated, and
    /// returns the length written. Allocation-free: the request path calls it for every request a router scores.
    /// </summary>
    /// <param name="context">The request: its tags header and its key.</param>
    /// <param name="metadata">The body's <c>metadata</c> object, or empty.</param>
    /// <param name="route">The route, for its own tags.</param>
    /// <param name="label">The label that picked the first tier, or null.</param>
    /// <param name="destination">Where the list goes; <see cref="MaxChars"/> is enough.</param>
    public static int Write(HttpContext context, ReadOnlySpan<byte> metadata, Route route, string? label, Span<char> destination)
    {
        var writer = new TagWriter(destination);
        writer.AddList(label);

        // The client's own tags: the header's (every value of it) and metadata.tags.
        var own = false;
        foreach (var value in context.Request.Headers[RequestForwarder.TagsHeader])
        {
            own |= writer.AddList(value);
        }

        Span<char> buffer = stackalloc char[MaxMetadataChars];
        if (!metadata.IsEmpty && MetadataTags(metadata, buffer) is > 0 and var written)
        {
            own |= writer.AddList(buffer[..written]);
        }

        if (!own && Auth.ClientAuthentication.Key(context) is { } key)
        {
            for (var i = 0; i < key.Tags.Count; i++)
            {
                writer.AddList(key.Tags[i]);
            }
        }

        foreach (var tag in route.Config.Tags)
        {
            writer.AddList(tag);
        }

        return writer.Length;
    }

    /// <summary>The request's tags without the label, as an escalation record or outcome sample keeps them; null when none.</summary>
    public static string? Of(HttpContext context, ReadOnlySpan<byte> metadata, Route route)
    {
        Span<char> buffer = stackalloc char[MaxChars];
        var written = Write(context, metadata, route, label: null, buffer);
        return written == 0 ? null : new string(buffer[..written]);
    }

    /// <summary>A stored label and the stored tags as one list, as <see cref="Write"/> would have made it (training).</summary>
    public static string Combine(string? label, string? tags)
    {
        Span<char> buffer = stackalloc char[MaxChars];
        var writer = new TagWriter(buffer);
        writer.AddList(label);
        writer.AddList(tags);
        return new string(buffer[..writer.Length]);
    }

    /// <summary>
    /// The tags a stored request body carries in <c>metadata.tags</c>: what a record written before tags were kept with it
    /// still tells (its header, key and route tags are lost). Null when it has none or is not JSON.
    /// </summary>
    public static string? FromStoredRequest(string request)
    {
        try
        {
            using var document = JsonDocument.Parse(request);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("metadata", out var metadata)
                && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("tags", out var tags)
                && tags.ValueKind == JsonValueKind.String
                && tags.GetString() is { Length: > 0 } text
                ? text
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The longest <c>metadata.tags</c> value read; a longer one is ignored, by the routing rules too.</summary>
    internal const int MaxMetadataChars = 512;

    /// <summary>
    /// Copies the <c>metadata.tags</c> string of a <c>metadata</c> object (OpenAI's metadata values are strings) into
    /// <paramref name="destination"/>; returns its length, or -1 when there is none or it is longer than
    /// <see cref="MaxMetadataChars"/>.
    /// </summary>
    internal static int MetadataTags(ReadOnlySpan<byte> metadata, Span<char> destination)
    {
        var reader = new Utf8JsonReader(metadata);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return -1;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isTags = reader.ValueTextEquals("tags"u8);
            reader.Read();
            if (!isTags || reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                continue;
            }

            if (reader.HasValueSequence || reader.ValueSpan.Length > Math.Min(MaxMetadataChars, destination.Length))
            {
                return -1;
            }

            return reader.CopyString(destination);
        }

        return -1;
    }

    /// <summary>Appends tags, trimmed, comma-separated, skipping blanks and repeats (case-insensitive), while they fit whole.</summary>
    private ref struct TagWriter(Span<char> destination)
    {
        private readonly Span<char> _destination = destination;

        public int Length { get; private set; }

        /// <summary>Adds each tag of a comma-separated list; true when the list held at least one tag.</summary>
        public bool AddList(scoped ReadOnlySpan<char> list)
        {
            var any = false;
            foreach (var range in list.Split(','))
            {
                var tag = list[range].Trim();
                if (tag.IsEmpty)
                {
                    continue;
                }

                any = true;
                if (!Contains(tag))
                {
                    Append(tag);
                }
            }

            return any;
        }

        private readonly bool Contains(scoped ReadOnlySpan<char> tag)
        {
            var written = _destination[..Length];
            foreach (var range in written.Split(','))
            {
                if (written[range].Equals(tag, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private void Append(scoped ReadOnlySpan<char> tag)
        {
            var separator = Length > 0 ? 1 : 0;
            if (Length + separator + tag.Length > _destination.Length)
            {
                return;
            }

            if (separator == 1)
            {
                _destination[Length] = ',';
            }

            tag.CopyTo(_destination[(Length + separator)..]);
            Length += separator + tag.Length;
        }
    }
}
