namespace Switchyard.Storage;

/// <summary>A change other gateway instances act on at once: a key written (revoked, created) or a registry decision.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="Id">The key's id or the model's id.</param>
public readonly record struct StoreChange(StoreChangeKind Kind, string Id);
