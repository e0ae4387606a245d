namespace Switchyard.Gateway.Auth;

/// <summary>
/// Endpoint metadata: the endpoint serves clients and needs their virtual key when <c>auth.keys</c> is required. The
/// OpenAI API's route group carries it, so every endpoint mapped in the group is covered, whatever the casing of the
/// path that reached it.
/// </summary>
internal sealed class ClientKeyRequired
{
    public static readonly ClientKeyRequired Instance = new();

    private ClientKeyRequired()
    {
    }
}
