namespace Switchyard.Registry.Workflow;

/// <summary>Why the registry refused an action (<see cref="RegistryException.Kind"/>).</summary>
public enum RegistryErrorKind
{
    /// <summary>The workflow or the licence policy does not allow it now (HTTP 409).</summary>
    Refused,

    /// <summary>The request itself is wrong: an unpinned source, an invalid id, a base graph with a cycle (HTTP 400).</summary>
    InvalidInput,

    /// <summary>The id is registered already (HTTP 409).</summary>
    IdTaken,

    /// <summary>There is no such model (HTTP 404).</summary>
    NotFound,
}
