using System.Globalization;
using Npgsql;

namespace Switchyard.Storage.Postgres;

/// <summary>
/// Reads a connection string as operators write it: Npgsql's keywords (<c>Host=db;Database=switchyard</c>) or a libpq URL
/// (<c>postgres://user:password@db:5432/switchyard?sslmode=require</c>, what most platforms hand out as DATABASE_URL).
/// </summary>
internal static class PostgresConnectionStrings
{
    private static readonly string[] UrlParameters = ["sslmode", "application_name", "connect_timeout", "search_path"];

    /// <summary>The parsed connection string, or what is wrong with it (words that follow "ConnectionString").</summary>
    public static string? Parse(string? text, out NpgsqlConnectionStringBuilder? builder)
    {
        builder = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is empty: write Host=...;Database=...;Username=... or postgres://user@host/database.";
        }

        text = text.Trim();
        try
        {
            builder = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(text)
                : new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or UriFormatException)
        {
            // SECURITY: the message never repeats the string, which may hold a password.
            return $"cannot be read: {Redact(e.Message)}. Write Npgsql keywords (Host=db;Database=switchyard;Username=gateway) or a URL (postgres://gateway@db:5432/switchyard).";
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            builder = null;
            return "names no host: add Host=... (or postgres://user@HOST/database).";
        }

        return null;
    }

    /// <summary>Whether the raw connection string sets a key itself (keyword form), so a default must not override it.</summary>
    public static bool Sets(string text, string key)
    {
        if (text.Contains("://", StringComparison.Ordinal))
        {
            return key.Equals("Timeout", StringComparison.OrdinalIgnoreCase) && text.Contains("connect_timeout=", StringComparison.OrdinalIgnoreCase);
        }

        var raw = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = text };
        return raw.ContainsKey(key) || (key.Equals("Timeout", StringComparison.OrdinalIgnoreCase) && raw.ContainsKey("Connect Timeout"));
    }

    /// <summary>The host, port, database and user, never the password: what messages and logs may say.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
        => $"PostgreSQL database '{builder.Database ?? builder.Username ?? "(default)"}' on {builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}";

    private static NpgsqlConnectionStringBuilder FromUrl(string text)
    {
        var uri = new Uri(text);
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            switch (name)
            {
                case "sslmode":
                    builder.SslMode = value switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw new FormatException($"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                    };
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                        ? seconds
                        : throw new FormatException($"connect_timeout '{value}' is not a whole number of seconds");
                    break;
                case "search_path":
                    builder.SearchPath = value;
                    break;
                default:
                    throw new FormatException($"the URL parameter '{name}' is not one switchyard reads ({string.Join(", ", UrlParameters)}); use the keyword form for other settings");
            }
        }

        return builder;
    }

    // Npgsql's messages name keys, not values; a URL's parse error may quote it, so anything after "://" is cut.
    private static string Redact(string message)
    {
        var at = message.IndexOf("://", StringComparison.Ordinal);
        return (at < 0 ? message : message[..at] + "://...").TrimEnd('.');
    }
}
