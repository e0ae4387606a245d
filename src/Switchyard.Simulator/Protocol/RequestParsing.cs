using System.Text.Json;

namespace Switchyard.Simulator.Protocol;

/// <summary>Parses a request body into <typeparamref name="T"/>; returns the error, or null when it is valid.</summary>
internal delegate RequestError? BodyParser<in T>(ReadOnlySpan<byte> body, T request);

/// <summary>The guard every request parser shares: reader exceptions become a 400 "invalid JSON", never a 500.</summary>
internal static class RequestParsing
{
    public static bool TryParse<T>(ReadOnlySpan<byte> body, T request, BodyParser<T> parse, out RequestError error)
    {
        RequestError? failure;
        try
        {
            failure = parse(body, request);
        }
        catch (JsonException ex)
        {
            failure = RequestError.InvalidJson(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader's Get* methods throw this for a token of the wrong kind deep in a value we do read.
            failure = RequestError.InvalidJson(ex.Message);
        }

        error = failure ?? default;
        return failure is null;
    }
}
