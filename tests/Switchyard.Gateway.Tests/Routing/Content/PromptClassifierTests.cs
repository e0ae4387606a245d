using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing.Content;
using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Routing.Content;

public sealed class PromptClassifierTests
{
    private const string CodePrompt = """
        Why does this fail in python?
        ```
        def load(path):
            return json.loads(open(path).read())
        ```
        Traceback (most recent call last):
          File "app.py", line 3, in load
        """;

    [Theory]
    [InlineData(CodePrompt, "code")]
    [InlineData("Is a non-compete clause enforceable in California?", "legal")]
    [InlineData("What is the usual dose of ibuprofen for a sprained ankle?", "medical")]
    [InlineData("Explain the law of large numbers.", "general")]
    [InlineData("Rules of contract bridge for beginners", "general")]
    [InlineData("Write a Python function that loads DICOM files for medical imaging.", "code")]
    [InlineData("Write a smart contract in Solidity for an escrow.", "code")]
    [InlineData("What did the court of appeals decide about the statute?", "legal")]
    [InlineData("", "general")]
    public void Classify_TypicalPrompts_GetTheirLabel(string prompt, string label)
    {
        Assert.Equal(label, PromptClassifier.Default.Classify(prompt).Label);
    }

    [Fact]
    public void Classify_Label_IsInterned()
    {
        var label = PromptClassifier.Default.Classify(CodePrompt).Label;

        Assert.Same(string.Intern("code"), label);
        Assert.Same(PromptClassifier.General, PromptClassifier.Default.Classify("hello there").Label);
    }

    [Fact]
    public void Explain_Chosen_NamesTermsMarkersAndThreshold()
    {
        var result = PromptClassifier.Default.Classify(CodePrompt);

        var explanation = result.Explain();

        Assert.StartsWith("code score=", explanation, StringComparison.Ordinal);
        Assert.Contains("terms: python", explanation, StringComparison.Ordinal);
        Assert.Contains("; markers: traceback,", explanation, StringComparison.Ordinal);
        Assert.Contains("fence", explanation, StringComparison.Ordinal);
        Assert.Contains("threshold=3", explanation, StringComparison.Ordinal);
        Assert.True(result.Score >= 10, explanation);
        Assert.DoesNotContain("json.loads", explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_BelowThreshold_SaysSo()
    {
        var result = PromptClassifier.Default.Classify("My python ate a mouse.");

        Assert.Equal("general", result.Label);
        Assert.Equal("code", result.BestCategory);
        Assert.Equal("general (best code score=2 (terms: python) below threshold=3)", result.Explain());
    }

    [Fact]
    public void Classify_CloseScores_AreGeneralWithinMargin()
    {
        var classifier = PromptClassifier.Create(new ClassifierConfig { Margin = 10 });

        var result = classifier.Classify("Is it legal to use GPL code in our product?");

        Assert.Equal("general", result.Label);
        Assert.Contains("within margin=10", result.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CustomCategory_WithTermsAndPattern()
    {
        var classifier = PromptClassifier.Create(new ClassifierConfig
        {
            Categories =
            [
                new ClassifierCategoryConfig
                {
                    Name = "finance",
                    Threshold = 4,
                    Terms = [new ClassifierWeight("dividend", 2), new ClassifierWeight("balance sheet", 3)],
                    Patterns = [new ClassifierWeight(@"\b[A-Z]{3,5}:[A-Z]{2,4}\b", 2)],
                },
            ],
        });

        var result = classifier.Classify("Read the balance sheet and the dividend of NYSE:IBM for me");

        Assert.Equal("finance", result.Label);
        Assert.Equal(7, result.Score);
        Assert.Equal(4, result.Threshold);
        Assert.Contains("patterns:", result.Explain(), StringComparison.Ordinal);
        Assert.Equal("general", classifier.Classify("What is a dividend?").Label);
    }

    [Fact]
    public void Create_OverrideBuiltIn_ReplacesWeightsAndThreshold()
    {
        var classifier = PromptClassifier.Create(new ClassifierConfig
        {
            Categories = [new ClassifierCategoryConfig { Name = "medical", Threshold = 2, Terms = [new ClassifierWeight("ibuprofen", 0.5), new ClassifierWeight("aspirin tablet", 2)] }],
        });

        Assert.Equal(0.5, classifier.Classify("ibuprofen").Score);
        Assert.Equal("medical", classifier.Classify("one aspirin tablet").Label);
        Assert.Equal(3, PromptClassifier.Default.Classify("ibuprofen").Score);
    }

    [Fact]
    public void Create_BuiltInsOff_LeavesOnlyConfiguredCategories()
    {
        var none = PromptClassifier.Create(new ClassifierConfig { BuiltIns = [] });
        var legalOnly = PromptClassifier.Create(new ClassifierConfig { BuiltIns = ["legal"] });

        Assert.Equal("general", none.Classify(CodePrompt).Label);
        Assert.Equal("general (no categories configured)", none.Classify(CodePrompt).Explain());
        Assert.Equal(["legal"], legalOnly.Categories);
        Assert.Equal("general", legalOnly.Classify(CodePrompt).Label);
        Assert.Equal("legal", legalOnly.Classify("Can my landlord evict me?").Label);
    }

    [Fact]
    public void Classify_OnlyReadsScanChars()
    {
        var late = new string('x', 9000) + " ```fence``` #include <stdio.h> kubectl";
        var wide = PromptClassifier.Create(new ClassifierConfig { ScanChars = 20_000 });

        Assert.Equal(0, PromptClassifier.Default.Classify(late).Score);
        Assert.Equal("code", wide.Classify(late).Label);
    }

    [Theory]
    [InlineData("Smith v. Jones held that the duty applies.", "case name")]
    [InlineData("She was treated for appendicitis.", "-itis")]
    [InlineData("The NullReferenceException came from setCount in utils.py", "exception type")]
    [InlineData("SELECT name FROM users", "select from")]
    [InlineData("I write C++ and C# at work", "c++/c#")]
    [InlineData("rename user_name", "identifier")]
    [InlineData("then call getValue", "identifier")]
    public void Classify_Markers_AreFound(string prompt, string marker)
    {
        Assert.Contains(marker, PromptClassifier.Default.Classify(prompt).Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_ProseWithCapitals_IsNoIdentifier()
    {
        Assert.Equal(0, PromptClassifier.Default.Classify("My iPhone, McDonald's, O'Brien, _private_ and NASA").Score);
    }

    [Fact]
    public void Classify_PhrasesAndPlurals_MatchOnWordBoundaries()
    {
        Assert.Equal(3, PromptClassifier.Default.Classify("symptoms").Score);
        Assert.Equal(0, PromptClassifier.Default.Classify("asymptomatic courtesy").Score);
        Assert.Equal("legal", PromptClassifier.Default.Classify("a CEASE-and-desist letter").Label);
        Assert.NotEqual("legal", PromptClassifier.Default.Classify("cease\nand desist").Label);
    }

    [Fact]
    public void Explain_NonAsciiTerms_StayHeaderSafe()
    {
        var classifier = PromptClassifier.Create(new ClassifierConfig
        {
            Categories = [new ClassifierCategoryConfig { Name = "cuisine", Terms = [new ClassifierWeight("crème brûlée", 5)] }],
        });

        var explanation = classifier.Classify("How do I make crème brûlée?").Explain();

        Assert.Equal("cuisine score=5 (terms: cr?me br?l?e) threshold=3", explanation);
        Assert.All(explanation, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void Classify_HostileInputAndPattern_FinishQuickly()
    {
        var classifier = PromptClassifier.Create(new ClassifierConfig
        {
            ScanChars = 1 << 20,
            Categories = [new ClassifierCategoryConfig { Name = "evil", Patterns = [new ClassifierWeight("(a+)+$", 1), new ClassifierWeight("(x|xx)+y", 1)] }],
        });
        var hostile = new string('a', 500_000) + "!" + new string('x', 500_000);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        classifier.Classify(hostile);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void CompilePattern_BacktrackingConstructs_AreRefused()
    {
        Assert.ThrowsAny<Exception>(() => PromptClassifier.CompilePattern(@"(a)\1"));
        Assert.ThrowsAny<Exception>(() => PromptClassifier.CompilePattern("(?=a)b"));
        Assert.ThrowsAny<ArgumentException>(() => PromptClassifier.CompilePattern("(unclosed"));
    }

    [Fact]
    public void Classify_AfterWarmUp_AllocatesNothing()
    {
        var prompts = PromptCorpus.All.Take(50).Select(p => p.Prompt).ToArray();
        var both = Allocations.Steady(() =>
        {
            foreach (var prompt in prompts)
            {
                PromptClassifier.Default.Classify(prompt);
                PiiDetector.Default.Scan(prompt);
            }
        }, calls: 4);
        var classify = Allocations.Steady(() =>
        {
            foreach (var prompt in prompts)
            {
                PromptClassifier.Default.Classify(prompt);
            }
        }, calls: 4);

        Assert.Equal((0L, 0L), (both, classify));
    }
}
