namespace Switchyard.Storage.Postgres;

/// <summary>
/// A batch of request log rows found PostgreSQL unavailable and the spill file at its bound: the rows are lost (the writer
/// counts them as failed). Not transient: the writer does not retry it.
/// </summary>
public sealed class RequestLogSpillFullException : Exception
{
    /// <summary>Creates the exception with a message naming the file, its bound and the rows.</summary>
    public RequestLogSpillFullException(string path, long maxBytes, int rows)
        : base($"PostgreSQL is unavailable and the spill file {path} is at its bound ({maxBytes} bytes, storage.spill.max_size): {rows} request log rows are lost. " +
            "Bring PostgreSQL back, or raise the bound.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public RequestLogSpillFullException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RequestLogSpillFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RequestLogSpillFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
