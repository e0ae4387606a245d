using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Gateway.Tests.Routing.Learned;

public sealed class RouterFeaturesTests
{
    private const string Prompt = "Why does this C# code throw a NullReferenceException?\n```csharp\nvar x = items[0].Name;\n```\nThanks!";

    // 1 tag and 7 fixed features, 9 character 3-grams, 2 words and 1 bigram, at 18 bits.
    private static readonly int[] PinnedHelloWorld =
    [
        36212, 257907, 236666, 232429, 211188, 53410, 27932, 106821, 168994, 210346,
        247822, 246569, 194309, 106551, 41721, 227554, 78635, 179362, 239951, 14153,
    ];

    private static int[] Extract(string prompt, string tags, int bits = 18, int capacity = RouterFeatures.MaxFeatures)
    {
        var buckets = new int[capacity];
        var count = RouterFeatures.Extract(prompt, tags, buckets, bits, out _);
        return buckets[..count];
    }

    [Fact]
    public void Extract_SameInput_SameFeatures()
    {
        Assert.Equal(Extract(Prompt, "code"), Extract(Prompt, "code"));
    }

    [Fact]
    public void Extract_KnownPrompt_MatchesPinnedIndices()
    {
        // Pinned so that a change to the hashing (or a process-randomised hash sneaking in) fails here, not silently in
        // every trained router file: these indices are what a router trained today looks up.
        var features = Extract("Hello world", "code");
        Assert.Equal(PinnedHelloWorld, features);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(18)]
    [InlineData(24)]
    public void Extract_AnyBits_IndicesInRangeAndDistinct(int bits)
    {
        var features = Extract(Prompt + string.Concat(Enumerable.Repeat(" lorem ipsum dolor sit amet 12345 ?", 200)), "", bits);
        Assert.NotEmpty(features);
        Assert.All(features, f => Assert.InRange(f, 0, (1 << bits) - 1));
        Assert.Equal(features.Length, features.Distinct().Count());
    }

    [Fact]
    public void Extract_SmallDestination_StopsWhenFull()
    {
        var buckets = new int[5];
        Assert.Equal(5, RouterFeatures.Extract(Prompt, "code", buckets, 18, out _));
        Assert.Equal(0, RouterFeatures.Extract(Prompt, "code", Span<int>.Empty, 18, out _));
    }

    [Fact]
    public void Extract_HugePrompt_AtMostMaxFeatures()
    {
        var words = string.Join(' ', Enumerable.Range(0, 200_000).Select(i => "w" + i));
        var buckets = new int[RouterFeatures.MaxFeatures * 2];
        var count = RouterFeatures.Extract(words, "", buckets, 24, out _);
        Assert.Equal(RouterFeatures.MaxFeatures, count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    [InlineData(5000)]
    public void CapacityFor_AnyPrompt_NeverStopsExtractEarly(int length)
    {
        var random = new Random(length);
        // Single letters between spaces and symbols: as many words, and so as many features, as characters allow.
        var prompt = string.Concat(Enumerable.Range(0, length).Select(i => i % 2 == 0 ? (char)('a' + random.Next(26)) : " ?{"[random.Next(3)]));
        var capacity = RouterFeatures.CapacityFor(length);

        var count = RouterFeatures.Extract(prompt, "", new int[RouterFeatures.MaxFeatures], 24, out _);

        Assert.InRange(capacity, 0, RouterFeatures.MaxFeatures);
        Assert.True(count <= capacity, $"{count} features, capacity {capacity}");
        Assert.Equal(count, RouterFeatures.Extract(prompt, "", new int[capacity], 24, out _));
    }

    [Fact]
    public void Extract_EmptyPrompt_OnlyTheFixedFeatures()
    {
        Assert.Equal(8, Extract("", "").Length);
    }

    [Fact]
    public void Extract_Label_IsItsOwnFeature()
    {
        var code = Extract(Prompt, "code");
        var none = Extract(Prompt, "");
        Assert.Equal(code.Length, none.Length);
        Assert.Single(code.Except(none));
        Assert.Equal(code, Extract(Prompt, "CODE"));
    }

    [Fact]
    public void Extract_SeveralTags_OneFeatureEach()
    {
        var one = Extract(Prompt, "code");
        var three = Extract(Prompt, "code,team-a,support");

        // Two features more than one tag, and no "no tags" feature among them.
        Assert.Equal(one.Length + 2, three.Length);
        Assert.Empty(one.Except(three));
        Assert.DoesNotContain(Extract(Prompt, "").Except(one).Single(), three);
    }

    [Fact]
    public void Extract_Tags_OrderCaseBlanksAndRepeatsDoNotMatter()
    {
        var tags = Extract(Prompt, "code,team-a");

        Assert.Equal(tags.Order(), Extract(Prompt, " Team-A , CODE,, code ").Order());
    }

    [Fact]
    public void Extract_ManyTags_AtMostMaxTags()
    {
        var tags = string.Join(',', Enumerable.Range(0, 40).Select(i => "tag" + i));
        var none = Extract(Prompt, "");

        Assert.Equal(none.Length - 1 + RouterFeatures.MaxTags, Extract(Prompt, tags).Length);
    }

    [Fact]
    public void Extract_Case_DoesNotMatter()
    {
        Assert.Equal(Extract("Hello World, HOW are you?", ""), Extract("hello world, how are YOU?", ""));
    }

    [Fact]
    public void Extract_CodeFence_ChangesTheStructureFeatures()
    {
        var fenced = Extract("look:\n```\nx\n```", "");
        var plain = Extract("look:\n'''\nx\n'''", "");
        Assert.NotEqual(fenced.Order(), plain.Order());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public void Extract_BitsOutOfRange_Throws(int bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RouterFeatures.Extract("x", "", new int[8], bits, out _));
    }
}
