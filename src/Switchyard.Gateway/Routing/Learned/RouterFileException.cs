namespace Switchyard.Gateway.Routing.Learned;

/// <summary>
/// A router file that <see cref="EscalationRouter.Load"/> cannot use: not a router file, written by a newer version,
/// cut short, or holding values no trained router has. Not transient: the file has to be replaced or retrained.
/// </summary>
public sealed class RouterFileException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public RouterFileException()
        : base("The router file cannot be read.")
    {
    }

    /// <summary>Creates the exception with a message that says what is wrong with the file and what to do.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public RouterFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that revealed the problem.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The error underneath.</param>
    public RouterFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
