using System.Text;

namespace Switchyard.Gateway.Quality;

/// <summary>Names of failed checks as they appear in headers, the request log and escalation records.</summary>
internal static class QualityFailuresNames
{
    private static readonly string[] Names = ["empty", "truncated", "refusal", "json", "schema", "expectations", "logprobs", "judge", "agreement"];

    public static string Name(Configuration.QualityCheck check) => Names[(int)check];

    public static string? Describe(QualityFailures failed)
    {
        if (failed == QualityFailures.None)
        {
            return null;
        }

        var text = new StringBuilder();
        for (var i = 0; i < Names.Length; i++)
        {
            if (((int)failed & (1 << i)) != 0)
            {
                text.Append(text.Length == 0 ? "" : ",").Append(Names[i]);
            }
        }

        return text.ToString();
    }
}
