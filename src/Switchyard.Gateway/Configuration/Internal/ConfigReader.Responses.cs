namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>responses:</c> (stored responses of <c>POST /v1/responses</c>).</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] ResponsesKeys = ["retention", "scope"];
    private static readonly (string Word, ResponsesScope Value)[] ResponsesScopes = [("key", ResponsesScope.Key), ("team", ResponsesScope.Team)];

    private ResponsesConfig? ReadResponses(Section top)
    {
        if (Value(top, "responses") is not { } node || IsNull(node))
        {
            return new ResponsesConfig();
        }

        if (ReadSection(node, "responses", top.Entries["responses"].Key.Start, ResponsesKeys, "responses: { retention: 30d, scope: key }") is not { } section)
        {
            return null;
        }

        var retention = ResponsesConfig.DefaultRetention;
        var scope = ResponsesScope.Key;
        var ok = TryReadDuration(section, "retention", ref retention);
        ok &= TryReadChoice(section, "scope", ResponsesScopes, ref scope);
        return ok ? new ResponsesConfig { Retention = retention, Scope = scope } : null;
    }
}
