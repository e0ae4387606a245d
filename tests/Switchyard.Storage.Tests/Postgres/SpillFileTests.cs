using Switchyard.Storage.Postgres;
using Switchyard.Storage.Postgres.Internal;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Postgres;

/// <summary>The spill file on its own: no database needed.</summary>
public sealed class SpillFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private RequestLogSpillOptions Options => new() { Path = Path.Combine(_directory.Path, "spill", "request-log.spill") };

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TryAppend_ThenPeekAndAdvance_ReturnsTheBatchesInOrderWithTheirKeysAndEmptiesTheFile()
    {
        using var spill = SpillFile.Open(Options);
        var (first, firstKeys) = Batch(0, 3);
        var (second, secondKeys) = Batch(3, 5);

        Assert.True(spill.TryAppend(first, firstKeys));
        Assert.True(spill.TryAppend(second, secondKeys));
        Assert.Equal(5, spill.PendingRows);

        var one = spill.Peek()!.Value;
        Assert.Equal(first, one.Rows.Select(r => r.Entry));
        Assert.Equal(firstKeys, one.Rows.Select(r => r.Key));
        spill.Advance(one.Next, one.Rows.Count);
        var two = spill.Peek()!.Value;
        Assert.Equal(second, two.Rows.Select(r => r.Entry));
        spill.Advance(two.Next, two.Rows.Count);

        Assert.Null(spill.Peek());
        Assert.False(spill.HasPending);
        Assert.Equal(0, spill.Length);
    }

    [Fact]
    public void Open_AfterARestart_ResumesAtTheCursor()
    {
        using (var spill = SpillFile.Open(Options))
        {
            spill.TryAppend(Batch(0, 2).Entries, Batch(0, 2).Keys);
            spill.TryAppend(Batch(2, 4).Entries, Batch(2, 4).Keys);
            var one = spill.Peek()!.Value;
            spill.Advance(one.Next, one.Rows.Count);
        }

        using var reopened = SpillFile.Open(Options);

        Assert.Equal(2, reopened.PendingRows);
        Assert.Equal(["req-2", "req-3"], reopened.Peek()!.Value.Rows.Select(r => r.Entry.RequestId));
    }

    [Fact]
    public void Open_TornLastRecord_CutsItAndKeepsTheWholeOnes()
    {
        using (var spill = SpillFile.Open(Options))
        {
            spill.TryAppend(Batch(0, 2).Entries, Batch(0, 2).Keys);
        }

        var path = Path.GetFullPath(Options.Path);
        var whole = new FileInfo(path).Length;
        // A crash mid-append: a header and half a payload.
        File.AppendAllBytes(path, [0x53, 0x59, 0x53, 0x50, 200, 0, 0, 0, 2, 0, 0, 0, (byte)'{', (byte)'"']);

        using var reopened = SpillFile.Open(Options);

        Assert.Equal(14, reopened.TornBytes);
        Assert.Equal(whole, reopened.Length);
        Assert.Equal(2, reopened.PendingRows);
        Assert.Equal(["req-0", "req-1"], reopened.Peek()!.Value.Rows.Select(r => r.Entry.RequestId));
    }

    [Fact]
    public void TryAppend_BeyondTheBound_RefusesAndWritesNothing()
    {
        using var spill = SpillFile.Open(Options with { MaxBytes = 2048 });
        var accepted = 0;
        while (spill.TryAppend(Batch(accepted, accepted + 1).Entries, Batch(accepted, accepted + 1).Keys))
        {
            accepted++;
        }

        var length = spill.Length;
        Assert.False(spill.TryAppend(Batch(0, 1).Entries, Batch(0, 1).Keys));
        Assert.InRange(accepted, 1, 10);
        Assert.Equal(length, spill.Length);
        Assert.True(length <= 2048);
        Assert.Equal(accepted, spill.PendingRows);
    }

    [Fact]
    public void TryAppend_EveryFieldOfAnEntry_SurvivesTheFile()
    {
        using var spill = SpillFile.Open(Options);
        var entry = TestEntries.Create(7) with
        {
            Timestamp = new DateTimeOffset(2026, 11, 21, 12, 0, 0, 5, TimeSpan.FromHours(2)),
            QualityScore = double.NaN,
            CostUsd = 0.00012,
            CostParts = [new RequestCostPart { Kind = CostKind.Check, Deployment = "judge", InputTokens = 3, CostUsd = 0.1, Estimated = true }],
            Escalation = Sql.EscalationStoreTests.Record("req-7", TestEntries.Start) with { CheapSignals = new Dictionary<string, double> { ["judge"] = 0.5 } },
            Sample = new Escalations.OutcomeSample { Timestamp = TestEntries.Start, Source = "passed", Prompt = "hi", CheapFailed = true },
        };
        spill.TryAppend([entry], [Guid.CreateVersion7()]);

        var read = spill.Peek()!.Value.Rows[0].Entry;

        Assert.Equal(entry.CostParts, read.CostParts);
        Assert.Equal(entry.Escalation with { CheapSignals = null }, read.Escalation! with { CheapSignals = null });
        Assert.Equal(0.5, read.Escalation!.CheapSignals!["judge"]);
        Assert.Equal(entry.Sample, read.Sample);
        Assert.True(double.IsNaN(read.QualityScore!.Value));
        Assert.Equal(entry with { CostParts = null, Escalation = null, Sample = null, QualityScore = null }, read with { CostParts = null, Escalation = null, Sample = null, QualityScore = null });
    }

    private static (RequestLogEntry[] Entries, Guid[] Keys) Batch(int from, int to)
    {
        var entries = Enumerable.Range(from, to - from).Select(n => TestEntries.Create(n)).ToArray();
        // Keys derived from the numbers, so the same batch built twice has the same keys.
        return (entries, [.. entries.Select((_, i) => new Guid(from + i, 0, 0, new byte[8]))]);
    }
}
