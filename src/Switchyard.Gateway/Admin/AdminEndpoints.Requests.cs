using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Gateway.Auth;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Admin;

/// <summary>Who calls the admin API, and its request bodies: authentication always comes before a body is read.</summary>
internal static partial class AdminEndpoints
{
    /// <summary>
    /// Largest admin request body. Key and decision requests are a few hundred bytes; the cap keeps an admin endpoint
    /// from buffering what the forwarder would refuse (<c>server.max_request_body_bytes</c> is for <c>/v1</c>).
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static IResult Run(HttpContext context, Func<IKeyStore> keys, Func<KeyAuthenticator> authenticator, byte[]? bootstrap, Func<Caller, IKeyStore, IResult> action)
        => Authenticate(context, authenticator, bootstrap) is { } caller ? action(caller, keys()) : Unauthenticated();

    private static async Task<IResult> RunAsync(HttpContext context, Func<IKeyStore> keys, Func<KeyAuthenticator> authenticator, byte[]? bootstrap, Func<Caller, IKeyStore, Task<IResult>> action)
        => Authenticate(context, authenticator, bootstrap) is { } caller ? await action(caller, keys()) : Unauthenticated();

    /// <summary>
    /// The caller: the bootstrap admin key, or any key the gateway's own <see cref="KeyAuthenticator"/> accepts (its role
    /// decides what it may do); <see langword="null"/> when neither.
    /// </summary>
    internal static Caller? Authenticate(HttpContext context, Func<KeyAuthenticator> authenticator, byte[]? bootstrap)
    {
        // SECURITY: the body is capped before anything reads it, so that even Kestrel's draining of an unread body after
        // a refusal stops at the cap (it closes the connection instead).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes;
        }

        if (bootstrap is not null && context.Request.Headers.Authorization is { Count: 1 } authorization
            && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(value[7..].Trim())), bootstrap))
        {
            return new Caller("bootstrap", "admin", null, null);
        }

        return authenticator().Authenticate(context.Request) is { Key: { } key } ? new Caller(key.Id, key.Role, key.Team, key) : null;
    }

    private static IResult Unauthenticated()
        => Error(StatusCodes.Status401Unauthorized, "The admin API needs an active key: Authorization: Bearer <key> (a key with a role, or SWITCHYARD_ADMIN_KEY).", "invalid_api_key");

    /// <summary>
    /// The request's JSON body (at most <see cref="MaxBodyBytes"/>; <see langword="null"/> when empty), or the error to
    /// answer with. Only called once the caller is authenticated.
    /// </summary>
    private static async Task<(JsonDocument? Body, IResult? Error)> ReadJsonAsync(HttpContext context, string example)
    {
        if (context.Request.ContentLength is { } declared && declared > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        try
        {
            int read;
            while (length < buffer.Length && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted)) > 0)
            {
                length += read;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }

        if (length > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        if (length == 0)
        {
            return (null, null);
        }

        try
        {
            return (JsonDocument.Parse(buffer.AsMemory(0, length)), null);
        }
        catch (JsonException e)
        {
            return (null, Error(StatusCodes.Status400BadRequest, $"The body is not JSON: {e.Message} Send {example}.", "invalid_json"));
        }
    }

    private static IResult TooLarge()
        => Error(StatusCodes.Status413PayloadTooLarge, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The request body is larger than the admin API accepts ({MaxBodyBytes:N0} bytes). Admin requests are small JSON objects: send only the fields the endpoint takes."), "request_too_large");
}
