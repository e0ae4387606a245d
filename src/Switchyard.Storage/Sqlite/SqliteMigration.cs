namespace Switchyard.Storage.Sqlite;

/// <summary>One forward-only schema step: applied once, in order, never edited after it shipped.</summary>
/// <param name="Version">Schema version this step produces; versions run 1, 2, 3, ... without gaps.</param>
/// <param name="Description">What the step adds, for people reading the code.</param>
/// <param name="Sql">The statements; they run inside the migration transaction.</param>
internal readonly record struct SqliteMigration(int Version, string Description, string Sql);
