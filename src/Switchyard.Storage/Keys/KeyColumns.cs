using System.Globalization;
using System.Text.Json;
using Switchyard.Storage.Internal;

namespace Switchyard.Storage.Keys;

/// <summary>How a key's terms are written into the <c>api_keys</c> columns and the audit trail, the same in every store.</summary>
internal static class KeyColumns
{
    /// <summary>What the audit trail says about a key: its terms, never its hash.</summary>
    public static string Describe(ApiKeyRecord key)
    {
        static string Or(object? value) => value is null ? "-" : Convert.ToString(value, CultureInfo.InvariantCulture)!;
        return $"team={key.Team}; role={key.Role ?? "client"}; routes={string.Join(',', key.Routes)}; rpm={Or(key.RequestsPerMinute)}; tpm={Or(key.TokensPerMinute)}; "
            + $"max_concurrency={Or(key.MaxConcurrency)}; budget={(key.BudgetUsd is { } usd ? Or(usd) + "/" + key.BudgetPeriod : "-")}; "
            + $"expires={(key.Expires is { } expires ? expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "-")}; confidential={(key.Confidential ? "yes" : "no")}";
    }

    /// <summary>A comma-separated list column (routes, tags).</summary>
    public static string List(IReadOnlyList<string> items) => string.Join(',', items);

    public static string[] ParseList(string? text) => text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The metadata column: a JSON object of strings.</summary>
    public static string Metadata(ApiKeyRecord key) => JsonSerializer.Serialize(key.Metadata.ToDictionary(), StorageJsonContext.Default.DictionaryStringString);

    public static Dictionary<string, string> ParseMetadata(string? json)
        => json is null ? [] : JsonSerializer.Deserialize(json, StorageJsonContext.Default.DictionaryStringString) ?? [];
}
