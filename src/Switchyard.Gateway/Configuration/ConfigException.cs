using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration;

/// <summary>
/// Thrown at startup when the configuration is invalid. Not transient: the file has to be fixed. The message lists every
/// error, one per line, as <c>file:line:column: key: message</c>.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="errors"/> (at least one).</summary>
    public ConfigException(ImmutableArray<ConfigError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Every error found, ordered by line.</summary>
    public ImmutableArray<ConfigError> Errors { get; }

    private static string Format(ImmutableArray<ConfigError> errors) =>
        errors.IsDefaultOrEmpty ? "The configuration is invalid." : string.Join(Environment.NewLine, errors);
}
