namespace Switchyard.Gateway.Configuration;

/// <summary>A Redis server as a configuration names it: <c>redis://[:password@]host:port[/database]</c>.</summary>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">TCP port (6379 when the URL has none).</param>
/// <param name="Password">The AUTH password, or <see langword="null"/>.</param>
/// <param name="Database">The database number (0 when the URL has none).</param>
/// <param name="User">The ACL user name (Redis 6 and later), or <see langword="null"/>.</param>
public sealed record RedisEndpoint(string Host, int Port, string? Password, int Database, string? User = null)
{
    /// <summary>The default Redis port.</summary>
    public const int DefaultPort = 6379;

    /// <summary>The URL without its password, for logs and errors.</summary>
    public override string ToString() => $"redis://{(User is null && Password is null ? "" : (User ?? "") + (Password is null ? "@" : ":***@"))}{Host}:{Port}/{Database}";

    /// <summary>
    /// Reads <c>redis://[[user]:password@]host[:port][/database]</c> or a bare <c>host:port</c>; returns what is wrong, or
    /// <see langword="null"/>.
    /// </summary>
    public static string? TryParse(string text, out RedisEndpoint? endpoint)
    {
        endpoint = null;
        var rest = text.Trim();
        if (rest.Contains("://", StringComparison.Ordinal))
        {
            if (!rest.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
            {
                return rest.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
                    ? "uses rediss:// (TLS), which this gateway does not speak yet; reach Redis over a private network or a local TLS tunnel and write redis://"
                    : "is not a redis:// URL";
            }

            rest = rest["redis://".Length..];
        }

        string? user = null;
        string? password = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var credentials = rest[..at];
            rest = rest[(at + 1)..];
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            (user, password) = colon < 0 ? (null, credentials) : (credentials[..colon], credentials[(colon + 1)..]);
            user = string.IsNullOrEmpty(user) ? null : Uri.UnescapeDataString(user);
            password = Uri.UnescapeDataString(password);
        }

        var database = 0;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var db = rest[(slash + 1)..];
            rest = rest[..slash];
            if (db.Length > 0 && (!int.TryParse(db, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out database) || database > 15))
            {
                return $"names database '{db}'; a database is a number from 0 to 15";
            }
        }

        var port = DefaultPort;
        var portColon = rest.LastIndexOf(':');
        if (portColon >= 0 && portColon > rest.LastIndexOf(']'))
        {
            if (!int.TryParse(rest[(portColon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is 0 or > 65535)
            {
                return "has a port that is not a number from 1 to 65535";
            }

            rest = rest[..portColon];
        }

        if (rest.Length == 0 || rest.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#'))
        {
            return "has no host";
        }

        endpoint = new RedisEndpoint(rest.Trim('[', ']'), port, password, database, user);
        return null;
    }
}
