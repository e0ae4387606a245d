namespace Switchyard.Gateway.Api;

/// <summary>The <c>x-request-id</c> of a request: the client's when it is sane, else a new one.</summary>
internal static class RequestIds
{
    private const int MaxLength = 128;

    public static string FromRequest(HttpContext context)
    {
        var given = context.Request.Headers["x-request-id"];
        if (given.Count == 1 && given[0] is { Length: > 0 and <= MaxLength } id && IsPrintable(id))
        {
            return id;
        }

        return New();
    }

    /// <summary>A new id: <c>req_</c> and 96 random bits in hex.</summary>
    public static string New() => string.Create(28, 0, static (span, _) =>
    {
        "req_".CopyTo(span);
        Span<byte> random = stackalloc byte[12];
        Random.Shared.NextBytes(random);
        Convert.TryToHexStringLower(random, span[4..], out _);
    });

    // SECURITY: the id is echoed in headers and logs; only visible ASCII is accepted, so no header or log injection.
    private static bool IsPrintable(string id)
    {
        foreach (var c in id)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
