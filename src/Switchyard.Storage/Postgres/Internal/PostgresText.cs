namespace Switchyard.Storage.Postgres.Internal;

/// <summary>Text as PostgreSQL takes it.</summary>
internal static class PostgresText
{
    /// <summary>
    /// COMPAT: PostgreSQL's text cannot hold U+0000 (SQLite's can); an upstream error message or an answer that carries one
    /// would fail its whole batch. It becomes U+FFFD, the replacement character.
    /// </summary>
    public static string Clean(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;
}
