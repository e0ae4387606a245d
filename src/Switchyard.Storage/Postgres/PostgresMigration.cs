namespace Switchyard.Storage.Postgres;

/// <summary>One forward-only schema step: applied once, in order, in a transaction of its own, never edited after it shipped.</summary>
/// <param name="Version">Schema version this step produces; versions run 1, 2, 3, ... without gaps.</param>
/// <param name="Description">What the step adds, recorded with it in <c>schema_migrations</c>.</param>
/// <param name="Sql">The statements.</param>
internal readonly record struct PostgresMigration(int Version, string Description, string Sql);
