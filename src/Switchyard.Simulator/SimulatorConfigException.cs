using System.Collections.Immutable;

namespace Switchyard.Simulator;

/// <summary>
/// The simulator's configuration (options or a YAML file) is invalid. <see cref="Errors"/> lists every problem at once,
/// each as <c>file:line:column: key: message</c> when it comes from a file.
/// </summary>
public sealed class SimulatorConfigException : Exception
{
    /// <summary>Creates the exception from its list of problems.</summary>
    public SimulatorConfigException(IEnumerable<string> errors)
        : this([.. errors])
    {
    }

    private SimulatorConfigException(ImmutableArray<string> errors)
        : base("Invalid simulator configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a single problem.</summary>
    public SimulatorConfigException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a single problem and its cause.</summary>
    public SimulatorConfigException(string message, Exception innerException)
        : base("Invalid simulator configuration:" + Environment.NewLine + message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Creates the exception with no details.</summary>
    public SimulatorConfigException()
        : this("unknown error")
    {
    }

    /// <summary>Every problem found, one line each.</summary>
    public ImmutableArray<string> Errors { get; }
}
