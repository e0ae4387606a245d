using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>
/// <c>${NAME}</c> and <c>${NAME:-default}</c> references to environment variables, with the shell's meaning: the default
/// applies when the variable is unset or empty. A <c>$</c> not followed by <c>{</c> is literal.
/// </summary>
internal static partial class EnvironmentReferences
{
    /// <summary>What a valid reference looks like, for messages.</summary>
    public const string Expected = "${NAME} or ${NAME:-default}, NAME made of letters, digits and '_'";

    /// <summary>Whether <paramref name="text"/> is exactly one reference and nothing else (what <c>api_key</c> requires).</summary>
    public static bool IsWholeReference(string text) => WholeReference().IsMatch(text);

    /// <summary>
    /// Replaces every reference in <paramref name="text"/>. On failure <paramref name="result"/> is empty and either
    /// <paramref name="missingVariable"/> names the first unset variable without a default, or the return value says what
    /// is malformed.
    /// </summary>
    /// <returns><see langword="null"/> when the text is well formed (check <paramref name="missingVariable"/>), otherwise the problem.</returns>
    public static string? TrySubstitute(string text, Func<string, string?> environment, out string result, out string? missingVariable)
    {
        result = "";
        missingVariable = null;
        var builder = new StringBuilder(text.Length);
        var position = 0;
        while (position < text.Length)
        {
            var start = text.IndexOf("${", position, StringComparison.Ordinal);
            if (start < 0)
            {
                builder.Append(text, position, text.Length - position);
                break;
            }

            builder.Append(text, position, start - position);
            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                // SECURITY: the text may hold a secret, so the message quotes nothing of it.
                return $"a '${{' is not closed by '}}'; write {Expected}";
            }

            var match = Inner().Match(text, start + 2, end - start - 2);
            if (!match.Success)
            {
                return $"a '${{...}}' reference is malformed; write {Expected}";
            }

            var name = match.Groups["name"].Value;
            var value = environment(name);
            if (string.IsNullOrEmpty(value))
            {
                if (!match.Groups["default"].Success)
                {
                    missingVariable ??= name;
                }

                value = match.Groups["default"].Value;
            }

            builder.Append(value);
            position = end + 1;
        }

        if (missingVariable is null)
        {
            result = builder.ToString();
        }

        return null;
    }

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeReference();

    [GeneratedRegex(@"\G(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Inner();
}
