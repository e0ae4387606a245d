using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Switchyard.Cli.Commands;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard dataset import</c>, <c>router train</c> and <c>router eval</c> as a user runs them.</summary>
public sealed class RouterCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public RouterCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string DatabasePath => Path.Combine(_directory, "switchyard.db");

    [Fact]
    public async Task ImportTrainEval_TheTrainedRouterBeatsBothBaselines()
    {
        var train = WriteOutcomes("train.jsonl", 400, seed: 1);
        var test = WriteOutcomes("test.jsonl", 200, seed: 2);
        var model = Path.Combine(_directory, "switchyard.router");

        var (importExit, imported, importError) = await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", train);
        Assert.True(importExit == 0, importError);
        Assert.Contains("Imported 400 outcomes", imported, StringComparison.Ordinal);

        var (trainExit, trained, trainError) = await InvokeAsync("router", "train", "--db", DatabasePath, "-o", model, "--frontier-share", "0.3");
        Assert.True(trainExit == 0, trainError);
        Assert.Contains("400 examples", trained, StringComparison.Ordinal);
        Assert.Contains("trained on 320 in", trained, StringComparison.Ordinal);
        Assert.True(File.Exists(model));

        var (evalExit, evaluated, evalError) = await InvokeAsync("router", "eval", "--data", test, "--model", model);
        Assert.True(evalExit == 0, evalError);
        var apgr = Row(evaluated, "trained router");
        Assert.True(apgr > Row(evaluated, "random"), evaluated);
        Assert.True(apgr > Row(evaluated, "prompt length"), evaluated);
        Assert.True(apgr >= 0.65, evaluated);
    }

    [Fact]
    public async Task Import_BadLine_SaysWhereAndImportsNothing()
    {
        var path = Path.Combine(_directory, "bad.jsonl");
        File.WriteAllLines(path,
        [
            """{"prompt": "fine", "scores": {"open": 1, "frontier": 1}}""",
            """{"prompt": "no scores"}""",
            """{"prompt": "out of range", "scores": {"open": 2, "frontier": 1}}""",
        ]);

        var (exit, _, error) = await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", path);

        Assert.Equal(1, exit);
        Assert.Contains("bad.jsonl:2: needs \"scores\"", error, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl:3: scores.open must be a number from 0 to 1", error, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task Train_OneKindOnly_SaysWhatItNeeds()
    {
        var path = Path.Combine(_directory, "passes.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 20).Select(i => "{\"prompt\": \"question " + i + "\", \"scores\": {\"open\": 1, \"frontier\": 1}}"));
        await InvokeAsync("dataset", "import", "--db", DatabasePath, "--file", path);

        var (exit, _, error) = await InvokeAsync("router", "train", "--db", DatabasePath, "-o", Path.Combine(_directory, "r.router"));

        Assert.Equal(1, exit);
        Assert.Contains("Not enough to learn from: 20 examples, 0 where the cheap tier failed", error, StringComparison.Ordinal);
    }

    /// <summary>Outcomes where the cheap tier fails code and maths prompts and passes the rest.</summary>
    private string WriteOutcomes(string name, int count, int seed)
    {
        var random = new Random(seed);
        string[] hard = ["Fix the null pointer exception in this Java method", "Prove that there are infinitely many primes", "Write a recursive descent parser in C++", "Solve the integral of x squared times sine x", "Why does this SQL join return duplicates"];
        // Easy prompts are as long as the hard ones or longer, so that prompt length says nothing useful.
        string[] easy = ["Suggest a friendly name for the small grey cat that sleeps all day on our sofa", "What is the capital city of Spain and what is it best known for", "Write a warm birthday message for my grandmother who turns ninety", "Recommend a relaxing film to watch tonight with the whole family", "How long should I boil an egg if I like the yolk a little runny"];
        var lines = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var isHard = random.NextDouble() < 0.35;
            var prompt = (isHard ? hard : easy)[random.Next(5)] + $" (case {seed}-{i})";
            // The cheap tier fails most hard prompts and a few easy ones; the frontier passes nearly all.
            var weak = isHard ? (random.NextDouble() < 0.85 ? 0 : 1) : (random.NextDouble() < 0.05 ? 0 : 1);
            var strong = random.NextDouble() < 0.97 ? 1 : 0;
            lines.Add(JsonSerializer.Serialize(new { prompt, scores = new Dictionary<string, int> { ["open"] = weak, ["frontier"] = strong } }));
        }

        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The APGR cell of a router's row in the eval table.</summary>
    private static double Row(string output, string router)
    {
        var line = output.Split('\n').First(l => l.Contains(router, StringComparison.Ordinal));
        var cells = line.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return double.Parse(cells[1], CultureInfo.InvariantCulture);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(RouterCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
