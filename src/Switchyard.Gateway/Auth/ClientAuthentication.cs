using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Internal;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Auth;

/// <summary>
/// Authentication of client requests: with <c>auth: { keys: required }</c>, every endpoint that carries
/// <see cref="ClientKeyRequired"/> (the whole <c>/v1</c> group), and any other path under <c>/v1</c> in any casing, needs
/// an active client key before its handler runs (a key with a role is refused with 403: decision 14). The key is left on
/// the request for the handlers.
/// </summary>
/// <remarks>
/// SECURITY: routing matches paths case-insensitively (<c>/V1/chat/completions</c> is the chat endpoint), so the check
/// goes by the endpoint routing chose, not by the path's spelling. Handlers fail closed as well
/// (<see cref="TryGetKey"/>): a request that reaches one without a key while keys are required is refused there.
/// </remarks>
internal static class ClientAuthentication
{
    /// <summary>Where the authenticated key is kept on the request (an object of ours: no other component can collide with it).</summary>
    private static readonly object ItemKey = new();

    /// <summary>Routes first (so the endpoint is known), then the key check in front of every client endpoint.</summary>
    public static void UseClientKeys(this WebApplication app, GatewayRuntime runtime, Func<KeyAuthenticator> authenticator)
    {
        app.UseRouting();
        app.Use(async (context, next) =>
        {
            if (runtime.Config.Auth.Keys == AuthMode.Required && NeedsKey(context))
            {
                var (key, error) = authenticator().Authenticate(context.Request);
                if (error is { } refused)
                {
                    if (refused.Status == StatusCodes.Status401Unauthorized)
                    {
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                    }

                    await ApiErrorWriter.WriteAsync(context, refused);
                    return;
                }

                if (key!.Role is { } role)
                {
                    // Role keys administer; they do not spend. Decision 14: an admin key used by an application would
                    // be a standing credential with every power and no team's limits or budgets.
                    await ApiErrorWriter.WriteAsync(context, new ApiError(StatusCodes.Status403Forbidden, ApiError.InvalidRequest,
                        $"The key {key.Id} has the role {role}: role keys are for the admin API (/admin), not for model requests. Use a client key (switchyard keys create --team {key.Team}, without --role).",
                        null, "permission_denied"));
                    return;
                }

                SetKey(context, key);
            }

            await next(context);
        });
    }

    /// <summary>Leaves the authenticated key on the request for the handlers (the middleware, and tests of handlers).</summary>
    public static void SetKey(HttpContext context, ApiKeyRecord key) => context.Items[ItemKey] = key;

    /// <summary>The request's authenticated key, or <see langword="null"/> (keys off, or a path that needs none).</summary>
    public static ApiKeyRecord? Key(HttpContext context) => context.Items.TryGetValue(ItemKey, out var item) ? item as ApiKeyRecord : null;

    /// <summary>
    /// The request's authenticated key, or the error to answer with: with keys required and none authenticated, a
    /// handler refuses rather than serve (fail closed). Without keys required, no key and no error.
    /// </summary>
    public static bool TryGetKey(HttpContext context, GatewayConfig config, out ApiKeyRecord? key, out ApiError error)
    {
        key = Key(context);
        error = default;
        if (key is null && config.Auth.Keys == AuthMode.Required)
        {
            error = new ApiError(StatusCodes.Status401Unauthorized, ApiError.InvalidRequest,
                "You didn't provide an API key. Send a Switchyard key (switchyard keys create) as Authorization: Bearer sy_..., or as x-api-key.", null, "missing_api_key");
            return false;
        }

        return true;
    }

    private static bool NeedsKey(HttpContext context)
        => context.GetEndpoint()?.Metadata.GetMetadata<ClientKeyRequired>() is not null
            // Fail closed for a /v1 path that matched no client endpoint (or one mapped outside the group).
            || context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase);
}
