namespace Switchyard.Registry.Workflow;

/// <summary>A registry action that was refused: the message says why and what to do instead.</summary>
public sealed class RegistryException(string message, RegistryErrorKind kind = RegistryErrorKind.Refused) : Exception(message)
{
    /// <summary>What kind of refusal it is, for the admin API's status code.</summary>
    public RegistryErrorKind Kind { get; } = kind;
}
