using System.Text;
using System.Text.Json;
using Switchyard.Simulator.Generation;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Tests.Generation;

public sealed class AnswerGeneratorTests
{
    [Fact]
    public void Generate_GoodProse_Has16To200TokensThatMakeTheContent()
    {
        for (ulong i = 0; i < 200; i++)
        {
            using var answer = AnswerGenerator.Generate(Spec(i, skill: 1));
            Assert.Equal(AnswerQuality.Good, answer.Quality);
            Assert.Equal(FinishReason.Stop, answer.FinishReason);
            Assert.InRange(answer.TokenCount, 16, 200);
            Assert.Equal(answer.TokenCount, answer.ContentTokenCount);
            var joined = new StringBuilder();
            for (var t = 0; t < answer.TokenCount; t++)
            {
                Assert.False(answer.Token(t).IsEmpty);
                joined.Append(Encoding.UTF8.GetString(answer.Token(t)));
            }

            Assert.Equal(Encoding.UTF8.GetString(answer.Content), joined.ToString());
            Assert.EndsWith(".", joined.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Generate_SkillDraw_SameDifficultyFailsTheWeakerModelFirst()
    {
        var weakBad = 0;
        var strongBad = 0;
        for (ulong i = 0; i < 500; i++)
        {
            using var weak = AnswerGenerator.Generate(Spec(i, skill: 0.55) with { Kind = PromptKind.Code });
            using var strong = AnswerGenerator.Generate(Spec(i, skill: 0.96) with { Kind = PromptKind.Code });
            weakBad += weak.Quality == AnswerQuality.Good ? 0 : 1;
            strongBad += strong.Quality == AnswerQuality.Good ? 0 : 1;

            // The draw is the prompt's difficulty, not the model's: whatever the strong model fails, the weak one fails too.
            Assert.True(strong.Quality == AnswerQuality.Good || weak.Quality != AnswerQuality.Good);
        }

        Assert.InRange(weakBad, 180, 270);
        Assert.InRange(strongBad, 5, 40);
    }

    [Theory]
    [InlineData("Refusal", "Refusal", "Stop")]
    [InlineData("Truncated", "Truncated", "Length")]
    [InlineData("Empty", "Empty", "Stop")]
    [InlineData("Wrong", "Wrong", "Stop")]
    public void Generate_ForcedBadQuality_GivesThatKindOfAnswer(string forced, string expectedQuality, string expectedFinish)
    {
        var force = Enum.Parse<QualityOverride>(forced);
        var quality = Enum.Parse<AnswerQuality>(expectedQuality);
        var finish = Enum.Parse<FinishReason>(expectedFinish);
        using var answer = AnswerGenerator.Generate(Spec(1, skill: 1) with { Override = force });
        Assert.Equal(quality, answer.Quality);
        Assert.Equal(finish, answer.FinishReason);
        if (quality == AnswerQuality.Refusal)
        {
            Assert.Contains(WordList.Refusals, r => r.AsSpan().SequenceEqual(answer.Content));
        }

        if (quality == AnswerQuality.Empty)
        {
            Assert.True(answer.TokenCount <= 3);
        }
    }

    [Fact]
    public void Generate_WrongShare_TurnsThatShareOfBadAnswersWrongAndLeavesTheOthersAsTheyWere()
    {
        var wrong = 0;
        for (ulong i = 0; i < 400; i++)
        {
            using var before = AnswerGenerator.Generate(Spec(i, skill: 0));
            using var after = AnswerGenerator.Generate(Spec(i, skill: 0) with { WrongShare = 0.3 });
            using var all = AnswerGenerator.Generate(Spec(i, skill: 0) with { WrongShare = 1 });
            Assert.NotEqual(AnswerQuality.Wrong, before.Quality);
            Assert.Equal(AnswerQuality.Wrong, all.Quality);
            if (after.Quality == AnswerQuality.Wrong)
            {
                wrong++;
                continue;
            }

            Assert.Equal(before.Quality, after.Quality);
            Assert.True(before.Content.SequenceEqual(after.Content));
        }

        Assert.InRange(wrong, 90, 150);
    }

    [Fact]
    public void Generate_WrongShareWhenGood_StaysGood()
    {
        using var answer = AnswerGenerator.Generate(Spec(5, skill: 1) with { WrongShare = 1 });
        Assert.Equal(AnswerQuality.Good, answer.Quality);
    }

    [Fact]
    public void Generate_JsonAskedAndBad_InvalidJsonDoesNotParse()
    {
        for (ulong i = 0; i < 30; i++)
        {
            using var answer = AnswerGenerator.Generate(Spec(i, skill: 1) with { Format = ResponseFormatKind.JsonObject, Kind = PromptKind.Json, Override = QualityOverride.InvalidJson });
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(answer.Content.ToArray()));
        }
    }

    [Fact]
    public void Generate_MaxTokens_CutsWithFinishReasonLength()
    {
        using var answer = AnswerGenerator.Generate(Spec(3, skill: 1) with { MaxTokens = 4 });
        Assert.Equal(4, answer.TokenCount);
        Assert.Equal(FinishReason.Length, answer.FinishReason);
    }

    [Fact]
    public void Generate_ContentFilter_IsEmpty()
    {
        using var answer = AnswerGenerator.Generate(Spec(3, skill: 1) with { ContentFilter = true });
        Assert.Equal(0, answer.TokenCount);
        Assert.Equal(FinishReason.ContentFilter, answer.FinishReason);
    }

    private static AnswerSpec Spec(ulong i, double skill) => new(
        skill,
        StableHash.Combine(0xABC, i),
        StableHash.Combine(0xDEF, i),
        PromptKind.General,
        ResponseFormatKind.Text,
        default,
        null,
        null,
        true,
        null,
        null,
        QualityOverride.None,
        false);
}
