using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Api;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Auth;

/// <summary>
/// Checks the virtual key of a <c>/v1</c> request: one key, as <c>Authorization: Bearer</c> or <c>x-api-key</c>, of the
/// exact shape, whose hash matches (in constant time) an active key in the store. Keys are cached by id for
/// <see cref="CacheFor"/>, so a revocation or expiry takes effect on every instance within that time; on PostgreSQL a
/// revocation's notification drops the entry at once (<see cref="Forget"/>, <see cref="ForgetAll"/>). Errors never
/// repeat the key or any header value.
/// </summary>
internal sealed class KeyAuthenticator(IKeyStore store, TimeProvider time)
{
    /// <summary>How long a key read from the store is trusted before it is read again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, long ReadAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>What an unknown id's key is compared with, so that it costs the same as a wrong secret.</summary>
    private static readonly byte[] UnknownKeyHash = System.Security.Cryptography.SHA256.HashData("no such key"u8);

    /// <summary>The request's key, or the error to answer with.</summary>
    public (ApiKeyRecord? Key, ApiError? Error) Authenticate(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        var apiKey = request.Headers["x-api-key"];
        if (authorization.Count > 1 || apiKey.Count > 1)
        {
            return (null, Unauthorized("The request has more than one Authorization or x-api-key header. Send the key once.", "invalid_api_key"));
        }

        ReadOnlySpan<char> presented = default;
        if (authorization.Count == 1)
        {
            var value = authorization[0].AsSpan().Trim();
            if (value.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                value = "Bearer ";
            }

            if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return (null, Unauthorized("The Authorization header must use the Bearer scheme: Authorization: Bearer sy_...", "invalid_api_key"));
            }

            presented = value[7..].Trim();
        }

        if (apiKey.Count == 1)
        {
            var other = apiKey[0].AsSpan().Trim();
            if (!presented.IsEmpty && !presented.SequenceEqual(other))
            {
                return (null, Unauthorized("The Authorization and x-api-key headers carry different keys. Send one key.", "invalid_api_key"));
            }

            presented = other;
        }

        if (presented.IsEmpty)
        {
            return (null, Unauthorized("You didn't provide an API key. Send a Switchyard key (switchyard keys create) as Authorization: Bearer sy_..., or as x-api-key.", "missing_api_key"));
        }

        if (!ApiKeys.TryParse(presented, out var id))
        {
            return (null, Unauthorized("Incorrect API key provided. Use a key from `switchyard keys create`; it starts with sy_.", "invalid_api_key"));
        }

        // The hash is computed and compared whether or not the id exists: an unknown id takes as long as a wrong secret.
        var found = Find(id);
        var matches = ApiKeys.Matches(presented, found?.Hash ?? UnknownKeyHash);
        if (found is not { } key || !matches)
        {
            return (null, Unauthorized("Incorrect API key provided. Use a key from `switchyard keys create`; it starts with sy_.", "invalid_api_key"));
        }

        var now = time.GetUtcNow();
        if (key.Revoked is not null)
        {
            return (null, Unauthorized($"The key {key.Id} was revoked. Ask your team's admin for a new one.", "invalid_api_key"));
        }

        if (!key.IsActive(now))
        {
            return (null, Unauthorized($"The key {key.Id} expired at {key.Expires:yyyy-MM-ddTHH:mm:ssZ}. Ask your team's admin for a new one.", "invalid_api_key"));
        }

        return (key, null);
    }

    /// <summary>
    /// Drops what the cache holds for <paramref name="id"/>: a key revoked (or created) through this process is read
    /// from the store at its next use. Other processes on the same store see the change within <see cref="CacheFor"/>.
    /// </summary>
    public void Forget(string id) => _cache.TryRemove(id, out _);

    /// <summary>
    /// Drops every cached key: the change listener reconnected and may have missed revocations meanwhile, so every key is
    /// read from the store at its next use.
    /// </summary>
    public void ForgetAll() => _cache.Clear();

    private ApiKeyRecord? Find(string id)
    {
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(id, out var cached) && time.GetElapsedTime(cached.ReadAt, now) < CacheFor)
        {
            return cached.Key;
        }

        // PERF: a miss reads the store on the request path, once a second per key: a local file read on SQLite, a round
        // trip on PostgreSQL (well under a millisecond on a LAN, from the pool).
        var key = store.Find(id);
        // Unknown ids are remembered too (briefly): a client hammering with a wrong key costs one read a second.
        if (_cache.Count > 100_000)
        {
            _cache.Clear();
        }

        _cache[id] = (key, now);
        return key;
    }

    private static ApiError Unauthorized(string message, string code) => new(StatusCodes.Status401Unauthorized, ApiError.InvalidRequest, message, null, code);
}
