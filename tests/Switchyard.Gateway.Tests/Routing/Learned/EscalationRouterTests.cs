using System.Buffers.Binary;
using Switchyard.Gateway.Routing.Learned;
using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Routing.Learned;

public sealed class EscalationRouterTests
{
    private static readonly RouterInfo Info = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)), 1234, 210, 0.91, "escalations 2026-04, route chat");

    private static EscalationRouter MakeRouter(int bits = 10)
    {
        var random = new Random(5);
        var weights = new float[1 << bits];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() - 0.5);
        }

        return new EscalationRouter(bits, -0.75, weights, 0.4, 0.2, Info);
    }

    private static byte[] Saved(EscalationRouter router)
    {
        using var stream = new MemoryStream();
        router.Save(stream);
        return stream.ToArray();
    }

    private static RouterFileException LoadFails(byte[] bytes) =>
        Assert.Throws<RouterFileException>(() => EscalationRouter.Load(new MemoryStream(bytes)));

    [Fact]
    public void SaveLoad_TrainedRouter_SamePredictionsThresholdAndInfo()
    {
        var examples = SyntheticRouterData.Generate(300, seed: 9);
        var router = RouterTrainer.Train(examples, new RouterTrainingOptions { Bits = 16, Source = "round trip" });

        var loaded = EscalationRouter.Load(new MemoryStream(Saved(router)));

        Assert.Equal(router.Bits, loaded.Bits);
        Assert.Equal(router.Threshold, loaded.Threshold);
        Assert.Equal(router.TargetShare, loaded.TargetShare);
        Assert.Equal(router.Bias, loaded.Bias);
        Assert.Equal(router.Info, loaded.Info);
        Assert.All(examples, e => Assert.Equal(router.Predict(e.Prompt, e.Tags), loaded.Predict(e.Prompt, e.Tags)));
    }

    [Fact]
    public void SaveLoad_KeepsTheTrainingTimesOffset()
    {
        var loaded = EscalationRouter.Load(new MemoryStream(Saved(MakeRouter())));

        Assert.Equal(Info, loaded.Info);
        Assert.Equal(TimeSpan.FromHours(2), loaded.Info.TrainedAt.Offset);
    }

    [Fact]
    public void Load_WrongMagic_Throws()
    {
        var bytes = Saved(MakeRouter());
        bytes[0] = (byte)'X';

        Assert.Contains("not a Switchyard router file", LoadFails(bytes).Message);
        Assert.Contains("not a Switchyard router file", LoadFails("{\"weights\":[]}"u8.ToArray()).Message);
    }

    [Fact]
    public void Load_NewerVersion_Throws()
    {
        var bytes = Saved(MakeRouter());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), EscalationRouter.FormatVersion + 1);

        var error = LoadFails(bytes);

        Assert.Contains($"version {EscalationRouter.FormatVersion + 1}, newer", error.Message);
    }

    [Theory]
    [InlineData(1, "hashed prompt features another way")]
    [InlineData(2, "one label per request")]
    public void Load_OlderVersion_AsksForARetrain(int version, string why)
    {
        // Version 1 files hashed their features differently, version 2 read one label where version 3 reads every tag:
        // loaded, either would score prompts wrong without a sign.
        var bytes = Saved(MakeRouter());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), version);

        var error = LoadFails(bytes);

        Assert.Contains($"format version {version}", error.Message);
        Assert.Contains(why, error.Message);
        Assert.Contains("switchyard router train", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(40)]
    [InlineData(70)]
    [InlineData(100)]
    [InlineData(-1)]
    public void Load_Truncated_Throws(int length)
    {
        var bytes = Saved(MakeRouter());

        var error = LoadFails(bytes[..(length < 0 ? bytes.Length + length : length)]);

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Load_NaNWeight_Throws()
    {
        var bytes = Saved(MakeRouter());
        // The weights are the file's last bytes.
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 8), float.NaN);

        var error = LoadFails(bytes);

        Assert.Contains($"weight {(1 << 10) - 2} is NaN", error.Message);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(25)]
    [InlineData(-3)]
    public void Load_BitsOutOfRange_Throws(int bits)
    {
        var bytes = Saved(MakeRouter());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), bits);

        var error = LoadFails(bytes);

        Assert.Contains($"{bits} hash bits", error.Message);
    }

    [Fact]
    public void Load_NaNThreshold_Throws()
    {
        var bytes = Saved(MakeRouter());
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(20), double.NaN);

        Assert.Contains("the threshold is NaN", LoadFails(bytes).Message);
    }

    [Fact]
    public void Predict_DoesNotAllocate()
    {
        var router = MakeRouter(18);
        var prompt = string.Concat(Enumerable.Repeat("Explain why my async function deadlocks? ", 60));
        var sum = 0.0;

        Assert.Equal(0, Allocations.Steady(() => sum += router.Predict(prompt, "code, team-a,Support ,code")));
        Assert.InRange(sum / 1_200, 0, 1);
    }

    [Fact]
    public void Predict_LongPromptsAndEmpty_StayProbabilities()
    {
        var router = MakeRouter();

        Assert.InRange(router.Predict("", ""), 0, 1);
        Assert.InRange(router.Predict(new string('x', 1_000_000), "code"), 0, 1);
    }

    [Fact]
    public void WithThreshold_SameModelNewThreshold()
    {
        var router = MakeRouter();

        var stricter = router.WithThreshold(0.9, 0.05);

        Assert.Equal(0.9, stricter.Threshold);
        Assert.Equal(0.05, stricter.TargetShare);
        Assert.Equal(router.Predict("hello", ""), stricter.Predict("hello", ""));
        Assert.True(stricter.ShouldEscalate(0.9));
        Assert.False(stricter.ShouldEscalate(0.8999));
        Assert.Throws<ArgumentOutOfRangeException>(() => router.WithThreshold(double.NaN, 0.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => router.WithThreshold(0.5, 1.2));
    }
}
