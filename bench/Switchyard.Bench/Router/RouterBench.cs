using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Bench.Router;

/// <summary>
/// <c>router</c> mode: what the learned escalation router costs. Trains <see cref="RouterTrainer"/> on 20,000 synthetic
/// prompts of about 200 words (a Zipf-distributed vocabulary of 5,000 made-up words; the cheap tier fails mostly on
/// prompts with code words or a fenced block), reports the training time and held-out quality, then times
/// <see cref="EscalationRouter.Predict"/> one call at a time on prompts of 300 B, 1 KB and 3 KB: median, p99 and bytes
/// allocated per prediction, next to <see cref="RouterFeatures.Extract"/> alone. Each request carries a label and two
/// tags, as one with a tags header on a route with tags of its own does.
/// </summary>
internal static class RouterBench
{
    private const int TrainingExamples = 20_000;
    private const int HeldOutExamples = 5_000;
    private const int WordsPerPrompt = 200;
    private const int Vocabulary = 5_000;
    private const int PromptsPerSize = 256;
    private const int WarmupRounds = 5_000;

    /// <summary>The tags of the timed predictions: a label, a team from the tags header, and the route's tag.</summary>
    private const string Tags = "chat,team-b,support";

    private static readonly string[] Teams = ["team-a", "team-b", "team-c", "team-d"];

    private static readonly string[] CodeWords =
    [
        "function", "compile", "pointer", "segfault", "regex", "async", "await", "stacktrace", "nullreference", "refactor",
        "struct", "mutex", "compiler", "linker", "lambda", "recursion", "bytecode", "deadlock", "generics", "closure",
    ];

    /// <summary>Runs the mode and prints a Markdown report.</summary>
    /// <param name="rounds">Timed predictions per prompt size.</param>
    /// <param name="output">Where the report goes.</param>
    /// <returns>0 when both targets are met, 1 otherwise.</returns>
    public static int Run(int rounds, TextWriter output)
    {
        var words = MakeVocabulary(new Random(1));
        var data = Generate(TrainingExamples + HeldOutExamples, words, new Random(2));
        var training = data[..TrainingExamples];
        var heldOut = data[TrainingExamples..];

        var started = Stopwatch.GetTimestamp();
        var options = new RouterTrainingOptions { Source = "bench: synthetic" };
        var router = RouterTrainer.Train(training, options);
        var trainingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var scores = heldOut.Select(e => router.Predict(e.Prompt, e.Tags)).ToArray();
        var auroc = RoutingMetrics.Auroc(scores, heldOut.Select(e => e.CheapFailed).ToArray());
        var evaluation = RoutingMetrics.Evaluate(heldOut.Select((e, i) => new RoutedItem(scores[i], e.CheapScore!.Value, e.StrongScore!.Value)).ToArray());
        var heldOutShare = scores.Count(router.ShouldEscalate) / (double)scores.Length;
        var averageChars = training.Average(e => e.Prompt.Length);

        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"Learned escalation router, Release={BuildInfo.IsRelease}, {Environment.ProcessorCount} cores. Targets: training under 60 s, prediction under 50 µs at the median.");
        output.WriteLine();
        output.WriteLine("| training | examples | failed | avg chars | bits | epochs | seconds | training AUROC | held-out AUROC | held-out APGR | CPT(50%) | CPT(80%) | share sent (target) | target |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        output.WriteLine(string.Create(inv,
            $"| synthetic, {WordsPerPrompt} words | {router.Info.Examples:N0} | {router.Info.Positives:N0} | {averageChars:N0} | {router.Bits} | {options.Epochs} | {trainingSeconds:0.00} | {router.Info.TrainingAuroc:0.000} | {auroc:0.000} | {evaluation.Apgr:0.000} | {evaluation.Cpt50:0.000} | {evaluation.Cpt80:0.000} | {heldOutShare:0.000} ({router.TargetShare:0.00}) | {(trainingSeconds < 60 ? "met" : "NOT MET")} |"));
        output.WriteLine();
        output.WriteLine($"Prediction, {rounds:N0} single calls per size over {PromptsPerSize} different prompts, after {WarmupRounds:N0} warm-up calls.");
        output.WriteLine();
        output.WriteLine("| prompt | features | extract p50 | predict p50 | predict p99 | bytes/prediction | target |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        var met = trainingSeconds < 60;
        foreach (var (title, size) in new[] { ("300 B", 300), ("1 KB", 1024), ("3 KB", 3072) })
        {
            var prompts = Generate(PromptsPerSize, words, new Random(size)).Select(e => Fit(e.Prompt, size, words)).ToArray();
            met &= Measure(title, prompts, router, rounds, output);
        }

        return met ? 0 : 1;
    }

    private static bool Measure(string title, string[] prompts, EscalationRouter router, int rounds, TextWriter output)
    {
        var predict = new long[rounds];
        var extract = new long[rounds];
        Span<int> buckets = stackalloc int[RouterFeatures.MaxFeatures];
        var sink = 0.0;
        long features = 0;
        for (var i = 0; i < WarmupRounds; i++)
        {
            sink += router.Predict(prompts[i % prompts.Length], Tags);
            sink += RouterFeatures.Extract(prompts[i % prompts.Length], Tags, buckets, router.Bits, out _);
        }

        var allocated = 0L;
        for (var i = 0; i < rounds; i++)
        {
            var prompt = prompts[i % prompts.Length];
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            sink += router.Predict(prompt, Tags);
            var middle = Stopwatch.GetTimestamp();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            var count = RouterFeatures.Extract(prompt, Tags, buckets, router.Bits, out _);
            var end = Stopwatch.GetTimestamp();
            features += count;
            predict[i] = middle - start;
            extract[i] = end - middle;
        }

        Array.Sort(predict);
        Array.Sort(extract);
        static double Micro(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        var (e50, p50, p99) = (Micro(extract[rounds / 2]), Micro(predict[rounds / 2]), Micro(predict[(int)(rounds * 0.99)]));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {title} | {features / (double)rounds:0} | {e50:0.00} µs | {p50:0.00} µs | {p99:0.00} µs | {(double)allocated / rounds:0} | {(p50 < 50 ? "met" : "NOT MET")} |"));
        GC.KeepAlive(sink);
        return p50 < 50;
    }

    /// <summary>Made-up words of two to four syllables, the first ones (the most frequent under Zipf) the shortest.</summary>
    private static string[] MakeVocabulary(Random random)
    {
        string[] syllables = ["ka", "lo", "mi", "ten", "ra", "su", "vel", "do", "pra", "ni", "sto", "we", "zu", "mar", "fi", "ge", "hol", "tri", "an", "es"];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var words = new List<string>(Vocabulary);
        while (words.Count < Vocabulary)
        {
            // Two or three syllables for the first half (8,400 possible words), three or four for the rest.
            var parts = 2 + (words.Count * 2 / Vocabulary) + random.Next(2);
            var word = string.Concat(Enumerable.Range(0, parts).Select(_ => syllables[random.Next(syllables.Length)]));
            if (seen.Add(word))
            {
                words.Add(word);
            }
        }

        return [.. words];
    }

    private static RouterExample[] Generate(int count, string[] words, Random random)
    {
        // Zipf's law by inverse transform over the cumulative weights 1/rank.
        var cumulative = new double[words.Length];
        var total = 0.0;
        for (var i = 0; i < words.Length; i++)
        {
            cumulative[i] = total += 1.0 / (i + 1);
        }

        var examples = new RouterExample[count];
        var text = new StringBuilder();
        for (var n = 0; n < count; n++)
        {
            var isCode = random.NextDouble() < 0.25;
            text.Clear();
            var length = (WordsPerPrompt * 3 / 4) + random.Next((WordsPerPrompt / 2) + 1);
            for (var w = 0; w < length; w++)
            {
                var word = isCode && random.NextDouble() < 0.05
                    ? CodeWords[random.Next(CodeWords.Length)]
                    : words[ZipfRank(cumulative, random.NextDouble() * total)];
                text.Append(word).Append(random.Next(14) switch { 0 => ". ", 1 => ", ", 2 => "? ", 3 => "\n", 4 => " 42 ", _ => " " });
            }

            if (isCode && random.Next(3) == 0)
            {
                text.Append("\n```\nfor (var i = 0; i < n; i++) { total += items[i]; }\n```\n");
            }

            var failed = random.NextDouble() < (isCode ? 0.9 : 0.05);
            var tags = (random.Next(3) == 0 ? "code," : "chat,") + Teams[random.Next(Teams.Length)] + ",support";
            examples[n] = new RouterExample(text.ToString(), tags, failed, failed ? 0.2 : 0.9, 0.95);
        }

        return examples;
    }

    private static int ZipfRank(double[] cumulative, double draw)
    {
        var at = Array.BinarySearch(cumulative, draw);
        return Math.Min(cumulative.Length - 1, at < 0 ? ~at : at);
    }

    /// <summary>Cuts or pads a prompt to exactly <paramref name="size"/> characters (ASCII, so bytes).</summary>
    private static string Fit(string prompt, int size, string[] words)
    {
        var text = new StringBuilder(prompt, size + 64);
        for (var i = 0; text.Length < size; i++)
        {
            text.Append(' ').Append(words[i % 100]);
        }

        return text.ToString(0, size);
    }
}
