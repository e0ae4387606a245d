namespace Switchyard.Registry.Workflow;

/// <summary>A registry action that was refused: the message says why and what to do instead.</summary>
public sealed class RegistryException(string message) : Exception(message);
