namespace Switchyard.Registry.Licenses;

/// <summary>The European Union and its member states, for the EU restrictions of Llama 3.2 and Llama 4.</summary>
internal static class EuMemberStates
{
    // The 27 members since 2020-02-01, as ISO 3166 alpha-2, plus "EL", the EU's own code for Greece.
    private static readonly HashSet<string> Codes = new(StringComparer.OrdinalIgnoreCase)
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU", "IE", "IT", "LV", "LT", "LU",
        "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    };

    /// <summary>Whether <paramref name="region"/> is <paramref name="restricted"/> or, for <c>EU</c>, one of its members.</summary>
    public static bool Covers(string restricted, string region)
    {
        var code = region.Trim();
        if (string.Equals(restricted, code, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return string.Equals(restricted, "EU", StringComparison.OrdinalIgnoreCase) && Codes.Contains(code);
    }
}
