using System.Text;
using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Gateway.Tests.Routing.Learned;

/// <summary>
/// Seeded synthetic requests on which the cheap tier fails mostly on prompts about code: a few code words among ordinary
/// prose. Labels are drawn independently of the content, so a router can only learn from the words.
/// </summary>
internal static class SyntheticRouterData
{
    private static readonly string[] Prose =
    [
        "the", "a", "of", "and", "to", "in", "is", "for", "that", "with", "on", "as", "please", "write", "explain", "summary",
        "email", "letter", "trip", "plan", "recipe", "garden", "history", "story", "friend", "meeting", "weather", "travel",
        "book", "music", "holiday", "budget", "shopping", "list", "health", "sleep", "coffee", "morning", "city", "river",
        "mountain", "school", "teacher", "poem", "birthday", "wedding", "dinner", "team", "project", "report", "customer",
        "product", "review", "short", "long", "simple", "friendly", "formal", "about", "my", "our", "their", "this", "next",
    ];

    private static readonly string[] Code =
    [
        "function", "compile", "pointer", "segfault", "regex", "async", "await", "stacktrace", "nullreference", "refactor",
        "struct", "mutex", "compiler", "linker", "lambda", "recursion", "bytecode", "deadlock", "generics", "closure",
    ];

    private static readonly string[] Labels = ["", "chat", "summarise", "code"];

    /// <summary>Makes <paramref name="count"/> examples of about <paramref name="words"/> words each.</summary>
    /// <param name="count">How many examples.</param>
    /// <param name="seed">The same seed gives the same examples.</param>
    /// <param name="words">Words per prompt, give or take a quarter.</param>
    /// <param name="codeShare">The share of prompts about code.</param>
    /// <param name="failIfCode">The chance that the cheap tier fails a prompt about code.</param>
    /// <param name="failOtherwise">The chance that it fails any other prompt.</param>
    public static List<RouterExample> Generate(int count, int seed, int words = 60, double codeShare = 0.25, double failIfCode = 0.95, double failOtherwise = 0.03)
    {
        var random = new Random(seed);
        var examples = new List<RouterExample>(count);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var isCode = random.NextDouble() < codeShare;
            var length = words * 3 / 4 + random.Next(words / 2 + 1);
            text.Clear();
            for (var w = 0; w < length; w++)
            {
                var word = isCode && random.NextDouble() < 0.08 ? Code[random.Next(Code.Length)] : Prose[random.Next(Prose.Length)];
                text.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                text.Append(random.Next(12) switch { 0 => ". ", 1 => ", ", 2 => "? ", _ => " " });
            }

            // Make sure a prompt about code says so at least once.
            if (isCode)
            {
                text.Append(Code[random.Next(Code.Length)]).Append('.');
            }

            var failed = random.NextDouble() < (isCode ? failIfCode : failOtherwise);
            examples.Add(new RouterExample(text.ToString(), Labels[random.Next(Labels.Length)], failed, failed ? 0.2 : 0.9, 0.95));
        }

        return examples;
    }
}
