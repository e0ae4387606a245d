namespace Switchyard.Storage.Responses;

/// <summary>
/// Who asks for a stored response: the key (and its team) of the request. A response is visible to the key that created
/// it, and with <see cref="ShareWithTeam"/> to every key of its team; to anyone else it does not exist.
/// </summary>
/// <param name="KeyId">The asking key's id, or <see cref="Anonymous"/> on a gateway without keys.</param>
/// <param name="Team">The asking key's team, or <see langword="null"/>.</param>
/// <param name="ShareWithTeam">Whether responses of other keys of the same team are visible (<c>responses.scope: team</c>).</param>
public readonly record struct ResponseOwner(string KeyId, string? Team, bool ShareWithTeam)
{
    /// <summary>The owner of every request on a gateway without keys.</summary>
    public const string Anonymous = "anonymous";
}
