using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Switchyard.Dashboard;

/// <summary>
/// Serves the dashboard at <c>/ui/</c>: a static page that reads the admin API with a key the user types in. The page
/// itself needs no key and holds no data; every figure comes from <c>/admin/*</c>, which checks the key on each call.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Where the dashboard is served.</summary>
    public const string Path = "/ui/";

    // SECURITY: the page runs only its own scripts and talks only to its own origin, so injected markup can neither run
    // nor send the key elsewhere; it cannot be framed (clickjacking); it sends no referrer (its URL never holds a key
    // anyway). Chart.js styles its canvases through the CSSOM, which style-src does not restrict.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Maps <c>GET</c> and <c>HEAD</c> of <c>/ui</c> (redirected to <c>/ui/</c>) and every file under it.</summary>
    /// <exception cref="InvalidOperationException">The build left the dashboard's files out.</exception>
    public static IEndpointConventionBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var assets = DashboardAssets.Shared;
        return endpoints.MapMethods("/ui/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, string? path) => Serve(context, assets, path ?? ""));
    }

    private static IResult Serve(HttpContext context, DashboardAssets assets, string path)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        if (path.Length == 0 && !context.Request.Path.Value!.EndsWith('/'))
        {
            // The page's links are relative: they resolve under /ui/ only with the slash.
            return Results.Redirect(context.Request.PathBase + Path);
        }

        if (assets.Find(path) is not { } asset)
        {
            return Results.Text($"There is no {path} in the dashboard; open {Path}.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        // The files change only with a new build: revalidate each load, answer 304 when the tag still matches.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }
}
