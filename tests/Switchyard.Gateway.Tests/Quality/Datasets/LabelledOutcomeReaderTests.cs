using System.Text;
using Switchyard.Gateway.Quality.Datasets;

namespace Switchyard.Gateway.Tests.Quality.Datasets;

public sealed class LabelledOutcomeReaderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public LabelledOutcomeReaderTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static LabelledOutcomeOptions Gpt4VsLlama => new() { Weak = "meta/llama-2-70b-chat", Strong = "gpt-4-1106-preview" };

    // --- our own shape, and score values ---

    [Fact]
    public void Read_NestedScores_FirstTierIsWeakLastIsStrong()
    {
        var path = Write("o.jsonl", """{"prompt": "What is 17 x 23?", "label": "math", "scores": {"open": 0, "mid": 1, "frontier": 1}}""");

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions());

        Assert.Empty(result.Errors);
        Assert.Equal(new LabelledOutcomeReader.Outcome("What is 17 x 23?", "math", null, 0, 1), Assert.Single(result.Outcomes));
    }

    [Fact]
    public void Read_Tags_AListOrACommaSeparatedString()
    {
        var path = Write("o.jsonl",
            """{"prompt": "a", "label": "math", "tags": ["team-a", " exam "], "scores": {"open": 0, "frontier": 1}}""",
            """{"prompt": "b", "tags": "team-b, support,", "scores": {"open": 1, "frontier": 1}}""",
            """{"prompt": "c", "tags": null, "scores": {"open": 1, "frontier": 1}}""");

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions());

        Assert.Empty(result.Errors);
        Assert.Equal(["team-a,exam", "team-b,support", null], result.Outcomes.Select(o => o.Tags));
        Assert.Equal("math", result.Outcomes[0].Label);
        Assert.Equal("team-a,exam", Assert.Single(LabelledOutcomeReader.AsSamples(result.Outcomes.Take(1), 0.5, "chat", DateTimeOffset.UnixEpoch)).Tags);
    }

    [Fact]
    public void Read_TagsInCsv_OneQuotedCell()
    {
        var path = Write("o.csv", "prompt,tags,open,frontier", "\"a\",\"team-a, exam\",0,1");

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions());

        Assert.Empty(result.Errors);
        Assert.Equal("team-a,exam", Assert.Single(result.Outcomes).Tags);
    }

    [Fact]
    public void Read_BadTags_SaysLineWhatAndHow()
    {
        var path = Write("o.jsonl",
            """{"prompt": "a", "tags": ["ok", 3], "scores": {"open": 0, "frontier": 1}}""",
            """{"prompt": "b", "tags": ["a, b"], "scores": {"open": 0, "frontier": 1}}""",
            """{"prompt": "c", "tags": {"team": "a"}, "scores": {"open": 0, "frontier": 1}}""");

        var errors = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors;

        Assert.Equal(3, errors.Count);
        Assert.StartsWith($"{path}:1: tags[1] must be a string", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:2: tags[0] is \"a, b\": a tag cannot hold a comma", errors[1], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:3: tags must be a list of strings", errors[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ScoreValues_NumbersBooleansNumericStringsAndNullsThatSkip()
    {
        var path = Write("o.jsonl",
            """{"prompt": "a", "scores": {"open": true, "frontier": "1"}}""",
            """{"prompt": "b", "scores": {"open": false, "frontier": 0.8}}""",
            """{"prompt": "c", "scores": {"open": "0.25", "frontier": 1}}""",
            """{"prompt": "d", "scores": {"open": null, "frontier": 1}}""",
            """{"prompt": "e", "scores": {"open": "", "frontier": null}}""");

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions());

        Assert.Empty(result.Errors);
        Assert.Equal([(1.0, 1.0), (0.0, 0.8), (0.25, 1.0)], result.Outcomes.Select(o => (o.WeakScore, o.StrongScore)));
        Assert.Contains("1 skipped: no score for open", result.Summary, StringComparison.Ordinal);
        Assert.Contains("1 skipped: no score for either model", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadRows_EachSaysFileLineWhatAndHow()
    {
        var path = Write("bad.jsonl",
            """{"prompt": "fine", "scores": {"open": 1, "frontier": 1}}""",
            """{"prompt": "no scores"}""",
            """{"prompt": "a word", "scores": {"open": "high", "frontier": 1}}""",
            """{"prompt": "negative", "scores": {"open": -1, "frontier": 1}}""",
            """{"prompt": "nan", "scores": {"open": NaN, "frontier": 1}}""",
            """{"scores": {"open": 1, "frontier": 1}}""",
            """["not", "an", "object"]""",
            """{"prompt": "", "scores": {"open": 1, "frontier": 1}}""",
            """{"prompt": "x", "label": ["a"], "scores": {"open": 1, "frontier": 1}}""",
            """{"prompt": "x", "scores": {"open": 1}}""");

        var errors = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors;

        Assert.Equal(9, errors.Count);
        Assert.StartsWith($"{path}:2: needs \"scores\"", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:3: scores.open must be a score: a number (0 to 1, 0 to 10 or 0 to 100), true or false, or null (or empty) for none; but is \"high\"", errors[1], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:4: scores.open must be a score of 0 or more", errors[2], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:5: not valid JSON", errors[3], StringComparison.Ordinal);
        Assert.EndsWith("NaN and Infinity are not JSON: write null for a missing score", errors[3], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:6: needs the prompt as \"prompt\" (or question, input, query, instruction, text, or messages", errors[4], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:7: expected a JSON object", errors[5], StringComparison.Ordinal);
        Assert.Equal($"{path}:8: the prompt is empty", errors[6]);
        Assert.StartsWith($"{path}:9: label must be a string", errors[7], StringComparison.Ordinal);
        Assert.Equal($"{path}:10: scores needs at least two tiers (the weak and the strong)", errors[8]);
    }

    [Fact]
    public void Read_NestedTierNotThere_ListsTheTiers()
    {
        var path = Write("o.jsonl", """{"prompt": "x", "scores": {"open": 1, "frontier": 1}}""", """{"prompt": "y", "scores": {"low": 1, "high": 1}}""");

        var error = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { Weak = "open" }).Errors);

        Assert.Equal($"{path}:2: scores has no tier 'open' (it has low, high); name the tiers with --weak and --strong", error);
    }

    [Fact]
    public void Read_ManyBadRows_KeepsTwentyAndCountsTheRest()
    {
        var path = Write("bad.jsonl", [.. Enumerable.Range(0, 25).Select(i => "{\"prompt\": \"p\", \"scores\": {\"open\": \"x\", \"frontier\": 1}}")]);

        var errors = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors;

        Assert.Equal(21, errors.Count);
        Assert.Equal("... and 5 more problems.", errors[^1]);
    }

    [Fact]
    public void Read_EmptyOrMissingFile_IsAnErrorNotACrash()
    {
        var empty = Write("empty.jsonl", "", "  ");

        Assert.Contains("the file holds no outcomes", Assert.Single(LabelledOutcomeReader.Read(empty, new LabelledOutcomeOptions()).Errors), StringComparison.Ordinal);
        Assert.Contains("could not read the file", Assert.Single(LabelledOutcomeReader.Read(Path.Combine(_directory, "none.jsonl"), new LabelledOutcomeOptions()).Errors), StringComparison.Ordinal);
    }

    // --- RouterBench: a column per model ---

    [Theory]
    [InlineData("routerbench.csv", "CSV")]
    [InlineData("routerbench.jsonl", "JSON lines")]
    public void Read_RouterBenchFixture_TheNamedColumnsWithTheirPromptsAndBenchmarks(string fixture, string format)
    {
        var result = LabelledOutcomeReader.Read(Fixture(fixture), Gpt4VsLlama);

        Assert.Empty(result.Errors);
        Assert.Equal(4, result.Outcomes.Count);
        var first = result.Outcomes[0];
        Assert.Equal("Find the degree of the field extension Q(sqrt(2)) over Q.\nA. 0\nB. 2\nC. 4\nD. 6\nAnswer:", first.Prompt);
        Assert.Equal("mmlu-abstract-algebra", first.Label);
        Assert.Equal((0.0, 1.0), (first.WeakScore, first.StrongScore));
        Assert.Equal((0.0, 1.0), (result.Outcomes[1].WeakScore, result.Outcomes[1].StrongScore));
        Assert.Equal("Write a function that reverses a string. It's one line in Python.", result.Outcomes[2].Prompt);
        Assert.Equal(("mbpp", 1.0, 1.0), (result.Outcomes[2].Label, result.Outcomes[2].WeakScore, result.Outcomes[2].StrongScore));
        Assert.Equal("Which gas do plants take in?\nAnswer with one word.", result.Outcomes[3].Prompt);
        Assert.Equal((0.0, 1.0), (result.Outcomes[3].WeakScore, result.Outcomes[3].StrongScore));
        Assert.Equal(
            $"Read 4 outcomes from {fixture} ({format}, a column per model): weak meta/llama-2-70b-chat on 0-1, strong gpt-4-1106-preview on 0-1 "
            + "(scale chosen by the largest score; --score-scale sets it); 1 skipped: no score for meta/llama-2-70b-chat.",
            result.Summary);
    }

    [Fact]
    public void Read_RouterBenchWithoutTheFlags_ListsTheModelColumnsAndSuggestsThem()
    {
        var path = Fixture("routerbench.csv");

        var error = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors);

        Assert.Equal(
            $"{path}:2: 3 model columns (gpt-4-1106-preview, meta/llama-2-70b-chat, mistralai/mixtral-8x7b-chat): name the two to compare with --weak MODEL --strong MODEL",
            error);
    }

    [Fact]
    public void Read_AColumnThatIsNotThere_SaysWhichAreAndFlagsCanDropTheOrganisation()
    {
        var path = Fixture("routerbench.jsonl");

        var error = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { Weak = "llama-3", Strong = "gpt-4-1106-preview" }).Errors);
        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { Weak = "mixtral-8x7b-chat", Strong = "GPT-4-1106-preview" });

        Assert.Equal($"{path}:1: --weak llama-3: no column of that name; the model columns: gpt-4-1106-preview, meta/llama-2-70b-chat, mistralai/mixtral-8x7b-chat", error);
        Assert.Empty(result.Errors);
        Assert.Equal([1.0, 1.0, 0.0, 0.0, 1.0], result.Outcomes.Select(o => o.WeakScore));
    }

    [Fact]
    public void Read_FlatWithTwoScoreColumns_NeedsNoFlagsAndIgnoresIdsAndCosts()
    {
        var path = Write("judge.jsonl",
            """{"id": 7, "prompt": "Write a haiku", "mixtral_score": 5, "gpt4_score": 8, "mixtral_cost": 0.001, "turn": 1}""",
            """{"id": 8, "prompt": "Prove it", "mixtral_score": 2, "gpt4_score": 10, "mixtral_cost": 0.002, "turn": 1}""");

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions());
        var named = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { Weak = "mixtral", Strong = "gpt4" });

        Assert.Empty(result.Errors);
        Assert.Equal([(0.5, 0.8), (0.2, 1.0)], result.Outcomes.Select(o => (o.WeakScore, o.StrongScore)));
        Assert.Contains("weak mixtral_score on 0-10, strong gpt4_score on 0-10", result.Summary, StringComparison.Ordinal);
        Assert.Equal(result.Outcomes, named.Outcomes);
    }

    [Fact]
    public void Read_FlatWithoutScoreColumns_SaysWhatARowNeeds()
    {
        var path = Write("o.jsonl", """{"prompt": "no scores", "answer": "x"}""");

        var error = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors);

        Assert.StartsWith($"{path}:1: found 0 column(s) with scores (none); a row needs a score for two models", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FlatBadCell_NamesTheColumnAndLine()
    {
        var path = Write("flat.csv", "prompt,weak,strong", "fine,0,1", "bad,maybe,1");

        var error = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { Weak = "weak", Strong = "strong" }).Errors);

        Assert.StartsWith($"{path}:3: weak must be a score: a number", error, StringComparison.Ordinal);
        Assert.EndsWith("but is \"maybe\"", error, StringComparison.Ordinal);
    }

    // --- score scales ---

    [Fact]
    public void Read_Scale_ChosenPerColumnByItsLargestScore()
    {
        var path = Write("mixed.jsonl",
            """{"prompt": "a", "scores": {"judge10": 7, "percent": 55}}""",
            """{"prompt": "b", "scores": {"judge10": 10, "percent": 100}}""");

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions());

        Assert.Equal([(0.7, 0.55), (1.0, 1.0)], result.Outcomes.Select(o => (o.WeakScore, o.StrongScore)));
        Assert.Contains("weak judge10 on 0-10, strong percent on 0-100", result.Summary, StringComparison.Ordinal);
        Assert.Contains("the columns are on different scales: if they share one, set --score-scale", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ScoreScaleOption_OverridesAndChecks()
    {
        var path = Write("five.jsonl", """{"prompt": "a", "scores": {"open": 4, "frontier": 5}}""", """{"prompt": "b", "scores": {"open": 1, "frontier": 5}}""");
        var tooHigh = Write("high.jsonl", """{"prompt": "a", "scores": {"open": 7, "frontier": 5}}""");
        var beyond = Write("beyond.jsonl", """{"prompt": "a", "scores": {"open": 250, "frontier": 5}}""");

        var five = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { ScoreScale = 5 });

        Assert.Equal([(0.8, 1.0), (0.2, 1.0)], five.Outcomes.Select(o => (o.WeakScore, o.StrongScore)));
        Assert.Contains("weak open on 0-5, strong frontier on 0-5 (--score-scale)", five.Summary, StringComparison.Ordinal);
        Assert.Equal($"{tooHigh}:1: scores.open is 7, above --score-scale 5; fix the score or the scale", Assert.Single(LabelledOutcomeReader.Read(tooHigh, new LabelledOutcomeOptions { ScoreScale = 5 }).Errors));
        Assert.StartsWith($"{beyond}:1: open is 250, above the largest scale", Assert.Single(LabelledOutcomeReader.Read(beyond, new LabelledOutcomeOptions()).Errors), StringComparison.Ordinal);
    }

    // --- RouteLLM / Arena battles and long rows ---

    [Fact]
    public void Read_Battles_TheWinnerScoresOneAndOtherPairsAreSkipped()
    {
        var path = Write("battles.jsonl",
            """{"prompt": "a", "model_a": "gpt-4", "model_b": "mixtral-8x7b", "winner": "model_a"}""",
            """{"prompt": "b", "model_a": "mixtral-8x7b", "model_b": "gpt-4", "winner": "model_a"}""",
            """{"prompt": "c", "model_a": "gpt-4", "model_b": "mixtral-8x7b", "winner": "tie"}""",
            """{"prompt": "d", "model_a": "gpt-4", "model_b": "mixtral-8x7b", "winner": "tie (bothbad)"}""",
            """{"prompt": "e", "model_a": "claude-2", "model_b": "gpt-4", "winner": "model_b"}""",
            """{"prompt": "[\"f\"]", "model_a": "gpt-4", "model_b": "mixtral-8x7b", "winner_model_a": 0, "winner_model_b": 1, "winner_tie": 0}""");

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { Weak = "mixtral-8x7b", Strong = "gpt-4" });

        Assert.Empty(result.Errors);
        Assert.Equal([("a", 0.0, 1.0), ("b", 1.0, 0.0), ("c", 1.0, 1.0), ("d", 0.0, 0.0), ("f", 1.0, 0.0)], result.Outcomes.Select(o => (o.Prompt, o.WeakScore, o.StrongScore)));
        Assert.Contains("1 skipped: battles between other models", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BattlesWithoutFlagsOrWithABadWinner_SayWhatToDo()
    {
        var path = Write("battles.csv", "prompt,model_a,model_b,winner", "a,gpt-4,mixtral,model_a", "b,gpt-4,mixtral,both");

        var noFlags = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors);
        var badWinner = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { Weak = "mixtral", Strong = "gpt-4" }).Errors);

        Assert.Equal($"{path}:2: these rows are battles (model_a, model_b, winner): name the two models to compare with --weak MODEL --strong MODEL; the models in them: gpt-4, mixtral", noFlags);
        Assert.StartsWith($"{path}:3: winner must be model_a, model_b, tie or tie (bothbad)", badWinner, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LongRows_APromptPerModelArePaired()
    {
        var path = Write("judged.jsonl",
            """{"question": "Write a poem", "model": "llama-13b", "score": 4, "turn": 1}""",
            """{"question": "Write a poem", "model": "gpt-4", "score": 9, "turn": 1}""",
            """{"question": "Write a poem", "model": "gpt-4", "score": 8, "turn": 2}""",
            """{"question": "Solve x", "model": "gpt-4", "score": 10, "turn": 1}""",
            """{"question": "Solve x", "model": "llama-13b", "score": 1, "turn": 1}""");

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions());

        Assert.Empty(result.Errors);
        Assert.Equal([("Write a poem", 0.4, 0.9), ("Solve x", 0.1, 1.0)], result.Outcomes.Select(o => (o.Prompt, o.WeakScore, o.StrongScore)));
        Assert.Contains("(JSON lines, a row per prompt and model): weak llama-13b on 0-10, strong gpt-4 on 0-10", result.Summary, StringComparison.Ordinal);
        Assert.Contains("1 skipped: no score for llama-13b", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LongRowsTwice_SaysWhereTheFirstIs()
    {
        var path = Write("judged.jsonl",
            """{"prompt": "p", "model": "a", "score": 4}""",
            """{"prompt": "p", "model": "b", "score": 4}""",
            """{"prompt": "p", "model": "a", "score": 5}""");

        Assert.Equal($"{path}:3: a second score of 'a' for this prompt (the first is on line 1); keep one row per prompt and model", Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors));
    }

    // --- formats ---

    [Fact]
    public void Read_JsonArray_RowsNumberedByTheLineTheyStartOn()
    {
        var path = Write("o.json",
            "[",
            """  {"prompt": "a", "scores": {"open": 0, "frontier": 1}},""",
            "  {",
            """    "prompt": "b",""",
            """    "scores": {"open": "x", "frontier": 1}""",
            "  }",
            "]");

        var error = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors);

        Assert.StartsWith($"{path}:3: scores.open must be a score", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_JsonArrayBroken_SaysTheLine()
    {
        var path = Write("o.json", "[", """  {"prompt": "a", "scores": {"open": 0, "frontier": 1}}""", """  {"prompt": "b" "scores": {}}""", "]");

        var error = Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors);

        Assert.StartsWith($"{path}:3: not valid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CsvByFormatOption_WithBomQuotesAndLineBreaks()
    {
        var path = Path.Combine(_directory, "outcomes.txt");
        File.WriteAllText(path, "\uFEFFquestion,weak,strong\r\n\"Explain \"\"closures\"\",\r\nbriefly, please\",0,1\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions { Format = LabelledOutcomeFormat.Csv });

        Assert.Empty(result.Errors);
        Assert.Equal("Explain \"closures\",\r\nbriefly, please", Assert.Single(result.Outcomes).Prompt);
    }

    [Fact]
    public void Read_CsvBadRecords_SayTheLineAndHowToQuote()
    {
        var path = Write("o.csv", "prompt,open,frontier", "a,0,1", "b, with a comma,0,1", "\"c\" and more,0,1", "\"d,0,1");

        var errors = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors;

        Assert.Equal(3, errors.Count);
        Assert.StartsWith($"{path}:3: has 4 fields but the header has 3; a field with a comma, a quote or a line break must be in double quotes", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:4: text after a closing quote", errors[1], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:5: a quoted field is not closed before the end of the file", errors[2], StringComparison.Ordinal);
    }

    // --- prompts ---

    [Theory]
    [InlineData("""{"question": "Q?", "a": 0, "b": 1}""", "Q?")]
    [InlineData("""{"input": "I", "a": 0, "b": 1}""", "I")]
    [InlineData("""{"query": "Q", "a": 0, "b": 1}""", "Q")]
    [InlineData("""{"text": "T", "a": 0, "b": 1}""", "T")]
    [InlineData("""{"instruction": "Translate", "input": "Bonjour", "a": 0, "b": 1}""", "Translate\n\nBonjour")]
    [InlineData("""{"instruction": "Name a colour", "input": "", "a": 0, "b": 1}""", "Name a colour")]
    [InlineData("""{"prompt": "['What is 2+2?']", "a": 0, "b": 1}""", "What is 2+2?")]
    [InlineData("""{"prompt": "[see above] what now?", "a": 0, "b": 1}""", "[see above] what now?")]
    [InlineData("""{"turns": ["First turn", "Second turn"], "a": 0, "b": 1}""", "First turn\nSecond turn")]
    [InlineData("""{"messages": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": [{"type": "text", "text": "Bye"}]}], "a": 0, "b": 1}""", "Hi\nBye")]
    [InlineData("""{"messages": "[{\"role\": \"user\", \"content\": \"As JSON text\"}]", "a": 0, "b": 1}""", "As JSON text")]
    public void Read_PromptAliases_GiveThePromptText(string line, string expected)
    {
        var path = Write("o.jsonl", line);

        var result = LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions());

        Assert.Empty(result.Errors);
        Assert.Equal(expected, Assert.Single(result.Outcomes).Prompt);
    }

    [Fact]
    public void Read_MessagesWithoutAUserTurn_IsAnError()
    {
        var path = Write("o.jsonl", """{"messages": [{"role": "assistant", "content": "Hello"}], "scores": {"open": 0, "frontier": 1}}""");

        Assert.Equal($"{path}:1: messages has no user turn", Assert.Single(LabelledOutcomeReader.Read(path, new LabelledOutcomeOptions()).Errors));
    }

    private static string Fixture(string name) => Path.Combine(Root(), "tests", "Switchyard.Gateway.Tests", "Quality", "Datasets", name);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Switchyard.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Switchyard.slnx not found above {AppContext.BaseDirectory}.");
    }
}
