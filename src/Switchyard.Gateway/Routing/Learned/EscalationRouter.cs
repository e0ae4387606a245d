using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Switchyard.Gateway.Routing.Learned;

/// <summary>
/// A trained model of how likely the cheap tier is to fail a prompt's quality gate, and the threshold above which a
/// request goes straight to the frontier. Immutable, so a retrained router is swapped in as a whole.
/// </summary>
/// <remarks>
/// <code>
/// prompt, tags ──► RouterFeatures.Extract ─► t tag + n prompt indices ─► z = bias + Σ w[tag] + Σ w[i] / √n ─► σ(z) = p
///                                                                   ShouldEscalate: p ≥ Threshold
/// </code>
/// Logistic regression over binary hashed features, fitted by <see cref="RouterTrainer"/>. The file format (all
/// little-endian) is:
/// <code>
/// "SYRT" · int32 version (3; versions 1 and 2 had other features and are refused) · int32 bits · float64 bias · float64 threshold · float64 target share
/// · int64 trained-at UTC ticks · int16 offset minutes · int32 examples · int32 positives · float64 training AUROC
/// · int32 source byte count · UTF-8 source · int32 weight count (2^bits) · float32 × weight count
/// </code>
/// </remarks>
internal sealed class EscalationRouter
{
    /// <summary>The fewest hash bits a router file may have: fewer would make most features collide.</summary>
    public const int MinBits = 10;

    /// <summary>The most hash bits a router file may have: 2^24 float32 weights are 64 MiB.</summary>
    public const int MaxBits = 24;

    /// <summary>The file format version <see cref="Save"/> writes and the newest <see cref="Load"/> reads.</summary>
    public const int FormatVersion = 3;

    private const int MaxSourceBytes = 64 * 1024;
    private static ReadOnlySpan<byte> Magic => "SYRT"u8;

    private readonly float[] _weights;
    private readonly double _bias;

    /// <summary>Creates a router from trained parameters; the weights array is owned by the router from then on.</summary>
    /// <param name="bits">Hash bits; <paramref name="weights"/> has 2^bits entries.</param>
    /// <param name="bias">The intercept, in logits.</param>
    /// <param name="weights">One weight per hashed feature, all finite.</param>
    /// <param name="threshold">Predictions at or above it escalate; at least 0 (above 1 never escalates).</param>
    /// <param name="targetShare">The share of requests the threshold was calibrated to send to the frontier, in [0, 1].</param>
    /// <param name="info">Where the router came from.</param>
    internal EscalationRouter(int bits, double bias, float[] weights, double threshold, double targetShare, RouterInfo info)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, MinBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, MaxBits);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(info);
        if (weights.Length != 1 << bits)
        {
            throw new ArgumentException($"A router of {bits} bits has {1 << bits} weights, not {weights.Length}.", nameof(weights));
        }

        if (!double.IsFinite(bias))
        {
            throw new ArgumentOutOfRangeException(nameof(bias), bias, "The bias must be a finite number.");
        }

        CheckThreshold(threshold, targetShare);
        Bits = bits;
        _bias = bias;
        _weights = weights;
        Threshold = threshold;
        TargetShare = targetShare;
        Info = info;
    }

    /// <summary>Hash bits: the router has 2^Bits weights.</summary>
    public int Bits { get; }

    /// <summary>Predictions at or above this escalate straight to the frontier.</summary>
    public double Threshold { get; }

    /// <summary>The share of requests <see cref="Threshold"/> was calibrated to send to the frontier.</summary>
    public double TargetShare { get; }

    /// <summary>Where the router came from.</summary>
    public RouterInfo Info { get; }

    /// <summary>The intercept in logits (for tests and reports).</summary>
    internal double Bias => _bias;

    /// <summary>
    /// The probability in [0, 1] that the cheap tier fails this prompt's quality gate. Allocation-free; safe to call
    /// from any number of threads.
    /// </summary>
    /// <param name="prompt">The text the model will read.</param>
    /// <param name="tags">
    /// The request's tags, comma-separated: the label that picked a tier and every tag the request carries
    /// (<see cref="RouterFeatures.Extract"/>); empty when it has none.
    /// </param>
    public double Predict(ReadOnlySpan<char> prompt, ReadOnlySpan<char> tags)
    {
        // PERF: no more than the prompt can fill (at most MaxFeatures, 16 KiB): a short prompt zeroes less stack.
        Span<int> buckets = stackalloc int[RouterFeatures.CapacityFor(prompt.Length)];
        var count = RouterFeatures.Extract(prompt, tags, buckets, Bits, out var tagFeatures);
        return Sigmoid(Logit(_weights, _bias, buckets[..count], tagFeatures));
    }

    /// <summary>Whether a request with this prediction should skip the cheap tier.</summary>
    /// <param name="probability">A value from <see cref="Predict"/>.</param>
    public bool ShouldEscalate(double probability) => probability >= Threshold;

    /// <summary>The same model with another threshold, e.g. recalibrated on held-out data to another share.</summary>
    /// <param name="threshold">Predictions at or above it escalate; at least 0 (above 1 never escalates).</param>
    /// <param name="targetShare">The share of requests this threshold is meant to send to the frontier, in [0, 1].</param>
    public EscalationRouter WithThreshold(double threshold, double targetShare)
    {
        // The weights are never written after construction, so the two routers can share them.
        return new EscalationRouter(Bits, _bias, _weights, threshold, targetShare, Info);
    }

    /// <summary>Writes the router in the versioned binary format described in the remarks.</summary>
    /// <param name="stream">A writable stream; left open.</param>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = Encoding.UTF8.GetBytes(Info.Source);
        if (source.Length > MaxSourceBytes)
        {
            throw new InvalidOperationException($"The router's source text is {source.Length} bytes of UTF-8; a router file holds at most {MaxSourceBytes}.");
        }

        Span<byte> header = stackalloc byte[4 + 4 + 4 + 8 + 8 + 8 + 8 + 2 + 4 + 4 + 8 + 4];
        Magic.CopyTo(header);
        var at = 4;
        BinaryPrimitives.WriteInt32LittleEndian(header[at..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[(at += 4)..], Bits);
        BinaryPrimitives.WriteDoubleLittleEndian(header[(at += 4)..], _bias);
        BinaryPrimitives.WriteDoubleLittleEndian(header[(at += 8)..], Threshold);
        BinaryPrimitives.WriteDoubleLittleEndian(header[(at += 8)..], TargetShare);
        BinaryPrimitives.WriteInt64LittleEndian(header[(at += 8)..], Info.TrainedAt.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(header[(at += 8)..], (short)Info.TrainedAt.TotalOffsetMinutes);
        BinaryPrimitives.WriteInt32LittleEndian(header[(at += 2)..], Info.Examples);
        BinaryPrimitives.WriteInt32LittleEndian(header[(at += 4)..], Info.Positives);
        BinaryPrimitives.WriteDoubleLittleEndian(header[(at += 4)..], Info.TrainingAuroc);
        BinaryPrimitives.WriteInt32LittleEndian(header[(at += 8)..], source.Length);
        stream.Write(header);
        stream.Write(source);

        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(count, _weights.Length);
        stream.Write(count);
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(_weights.AsSpan()));
        }
        else
        {
            var bytes = new byte[_weights.Length * 4];
            for (var i = 0; i < _weights.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), _weights[i]);
            }

            stream.Write(bytes);
        }
    }

    /// <summary>Reads a router written by <see cref="Save"/>.</summary>
    /// <param name="stream">A readable stream positioned at the start of the router; left open.</param>
    /// <exception cref="RouterFileException">
    /// Not a router file, a newer format version, cut short, bits outside [<see cref="MinBits"/>, <see cref="MaxBits"/>],
    /// or a value no trained router has (NaN or infinite weights, a share outside [0, 1]).
    /// </exception>
    public static EscalationRouter Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> head = stackalloc byte[12];
        ReadExactly(stream, head[..4], "the header");
        if (!head[..4].SequenceEqual(Magic))
        {
            throw new RouterFileException(
                $"This is not a Switchyard router file: it starts with bytes {Convert.ToHexString(head[..4])}, not \"SYRT\" (53595254). Pass a file written by EscalationRouter.Save.");
        }

        ReadExactly(stream, head[4..], "the header");

        var version = BinaryPrimitives.ReadInt32LittleEndian(head[4..]);
        if (version > FormatVersion)
        {
            throw new RouterFileException(
                $"The router file has format version {version}, newer than the {FormatVersion} this build reads. Upgrade Switchyard or retrain the router with this version.");
        }

        if (version is 1 or 2)
        {
            var what = version == 1
                ? "hashed prompt features another way: its weights would score every prompt wrong"
                : "learned from one label per request, not from every tag the request carries: it would read a request's tags wrong";
            throw new RouterFileException(
                $"The router file has format version {version}, written by an earlier Switchyard that {what}. Retrain it with `switchyard router train` (the escalation records and outcome samples it learned from are still in the database).");
        }

        if (version < 1)
        {
            throw new RouterFileException($"The router file has format version {version}, which no Switchyard wrote; the file is damaged. Retrain the router.");
        }

        var bits = BinaryPrimitives.ReadInt32LittleEndian(head[8..]);
        if (bits is < MinBits or > MaxBits)
        {
            throw new RouterFileException($"The router file has {bits} hash bits; a router has between {MinBits} and {MaxBits}. The file is damaged: retrain the router.");
        }

        Span<byte> fields = stackalloc byte[8 + 8 + 8 + 8 + 2 + 4 + 4 + 8 + 4];
        ReadExactly(stream, fields, "the header");
        var bias = BinaryPrimitives.ReadDoubleLittleEndian(fields);
        var threshold = BinaryPrimitives.ReadDoubleLittleEndian(fields[8..]);
        var targetShare = BinaryPrimitives.ReadDoubleLittleEndian(fields[16..]);
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(fields[24..]);
        var offsetMinutes = BinaryPrimitives.ReadInt16LittleEndian(fields[32..]);
        var examples = BinaryPrimitives.ReadInt32LittleEndian(fields[34..]);
        var positives = BinaryPrimitives.ReadInt32LittleEndian(fields[38..]);
        var auroc = BinaryPrimitives.ReadDoubleLittleEndian(fields[42..]);
        var sourceLength = BinaryPrimitives.ReadInt32LittleEndian(fields[50..]);

        var problems = new List<string>();
        if (!double.IsFinite(bias))
        {
            problems.Add($"the bias is {bias}");
        }

        if (double.IsNaN(threshold) || threshold < 0)
        {
            problems.Add($"the threshold is {threshold}");
        }

        if (!(targetShare is >= 0 and <= 1))
        {
            problems.Add($"the target share is {targetShare}");
        }

        if (ticks is < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks || offsetMinutes is < -14 * 60 or > 14 * 60)
        {
            problems.Add("the training time is out of range");
        }

        if (examples < 0 || positives < 0 || positives > examples)
        {
            problems.Add($"it claims {positives} positives among {examples} examples");
        }

        if (sourceLength is < 0 or > MaxSourceBytes)
        {
            problems.Add($"the source text is {sourceLength} bytes long");
        }

        if (problems.Count > 0)
        {
            throw new RouterFileException($"The router file is damaged: {string.Join("; ", problems)}. Retrain the router.");
        }

        var sourceBytes = new byte[sourceLength];
        ReadExactly(stream, sourceBytes, "the source text");
        string source;
        try
        {
            source = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(sourceBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new RouterFileException("The router file is damaged: its source text is not UTF-8. Retrain the router.", e);
        }

        Span<byte> count = stackalloc byte[4];
        ReadExactly(stream, count, "the weight count");
        var weightCount = BinaryPrimitives.ReadInt32LittleEndian(count);
        if (weightCount != 1 << bits)
        {
            throw new RouterFileException($"The router file has {weightCount} weights where {bits} bits need {1 << bits}. The file is damaged: retrain the router.");
        }

        var weights = new float[weightCount];
        ReadExactly(stream, MemoryMarshal.AsBytes(weights.AsSpan()), "the weights");
        if (!BitConverter.IsLittleEndian)
        {
            var raw = MemoryMarshal.Cast<float, int>(weights.AsSpan());
            BinaryPrimitives.ReverseEndianness(raw, raw);
        }

        for (var i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                throw new RouterFileException($"The router file is damaged: weight {i} is {weights[i]}, and every weight of a trained router is a finite number. Retrain the router.");
            }
        }

        var info = new RouterInfo(new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes)), examples, positives, auroc, source);
        return new EscalationRouter(bits, bias, weights, threshold, targetShare, info);
    }

    /// <summary>
    /// The model's logit for a set of features: the bias, plus the weights of the first <paramref name="tagFeatures"/>
    /// (the tags'), plus the prompt's weights scaled by 1/√n of their number.
    /// </summary>
    /// <remarks>
    /// The scaling keeps a 3 KB prompt from drowning in its own evidence: the logit's spread stays about the same
    /// whatever the prompt's length. A tag is one fact about the request however long its prompt, so it is not scaled:
    /// scaled with a few hundred n-grams, a tag that decides the outcome (a team whose questions the cheap model cannot
    /// answer) would move the logit by a tenth of its weight. Shared with the trainer so training and serving can never
    /// disagree.
    /// </remarks>
    internal static double Logit(float[] weights, double bias, ReadOnlySpan<int> features, int tagFeatures)
    {
        var tags = 0.0;
        foreach (var feature in features[..tagFeatures])
        {
            tags += weights[feature];
        }

        var prompt = features[tagFeatures..];
        if (prompt.IsEmpty)
        {
            return bias + tags;
        }

        var sum = 0.0;
        foreach (var feature in prompt)
        {
            sum += weights[feature];
        }

        return bias + tags + (sum / Math.Sqrt(prompt.Length));
    }

    /// <summary>The logistic function, written so that neither tail overflows.</summary>
    internal static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1.0 / (1.0 + Math.Exp(-z));
        }

        var e = Math.Exp(z);
        return e / (1.0 + e);
    }

    private static void CheckThreshold(double threshold, double targetShare)
    {
        if (double.IsNaN(threshold) || threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be 0 or more (a probability; above 1 never escalates).");
        }

        if (!(targetShare is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(targetShare), targetShare, "The target share must be between 0 and 1.");
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> destination, string what)
    {
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException e)
        {
            throw new RouterFileException($"The router file is truncated: it ends inside {what}. Copy the whole file again or retrain the router.", e);
        }
    }
}
