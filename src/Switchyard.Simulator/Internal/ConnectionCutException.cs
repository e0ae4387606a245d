namespace Switchyard.Simulator.Internal;

/// <summary>
/// Thrown out of the request delegate to cut a response that has started. Kestrel answers an exception after the response
/// started by completing the connection's output without the final chunk: what was flushed still reaches the client, which
/// then sees the body end early. <c>HttpContext.Abort()</c> would instead drop output not yet sent, so the client could miss
/// even the headers.
/// </summary>
internal sealed class ConnectionCutException : Exception
{
    public ConnectionCutException()
        : base("The simulator cut the response on purpose (fault injection).")
    {
    }

    public ConnectionCutException(string message)
        : base(message)
    {
    }

    public ConnectionCutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
