namespace Switchyard.Storage;

/// <summary>Kinds of <see cref="StoreChange"/>.</summary>
public enum StoreChangeKind
{
    /// <summary>A key was created or revoked: drop it from the key cache.</summary>
    Key,

    /// <summary>A model's registry row changed: read the registry's standings again.</summary>
    Model,
}
