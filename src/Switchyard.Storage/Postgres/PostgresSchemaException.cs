namespace Switchyard.Storage.Postgres;

/// <summary>
/// The database cannot be used by this build: its schema is newer than this switchyard knows (a newer one migrated it), or
/// the connection's search path names no schema that exists. Thrown at startup and by <c>switchyard migrate</c>; nothing
/// is changed in the database.
/// </summary>
public sealed class PostgresSchemaException : Exception
{
    /// <summary>Creates the exception with a message that says what is wrong and how to fix it.</summary>
    public PostgresSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PostgresSchemaException()
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public PostgresSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
