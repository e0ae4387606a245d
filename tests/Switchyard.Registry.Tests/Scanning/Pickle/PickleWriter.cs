using System.Buffers.Binary;
using System.Text;

namespace Switchyard.Registry.Tests.Scanning.Pickle;

/// <summary>Emits pickle opcodes by hand in the real byte format, to build benign and malicious samples.</summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _out = new();

    public PickleWriter Op(char opcode) => Byte((byte)opcode);

    public PickleWriter Byte(byte b)
    {
        _out.WriteByte(b);
        return this;
    }

    public PickleWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _out.Write(bytes);
        return this;
    }

    public PickleWriter Text(string s) => Raw(Encoding.UTF8.GetBytes(s));

    public PickleWriter Proto(int version) => Byte(0x80).Byte((byte)version);

    public PickleWriter Frame(long length)
    {
        Byte(0x95);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, length);
        return Raw(b);
    }

    public PickleWriter Global(string module, string name) => Op('c').Text(module + "\n" + name + "\n");

    public PickleWriter Inst(string module, string name) => Op('i').Text(module + "\n" + name + "\n");

    public PickleWriter StackGlobal() => Byte(0x93);

    /// <summary>SHORT_BINUNICODE, or BINUNICODE when longer than 255 bytes.</summary>
    public PickleWriter Unicode(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        if (bytes.Length < 256)
        {
            return Byte(0x8c).Byte((byte)bytes.Length).Raw(bytes);
        }
        Op('X');
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, bytes.Length);
        return Raw(len).Raw(bytes);
    }

    public PickleWriter ShortBinString(string s)
    {
        var bytes = Encoding.Latin1.GetBytes(s);
        return Op('U').Byte((byte)bytes.Length).Raw(bytes);
    }

    public PickleWriter StringProto0(string quoted) => Op('S').Text(quoted + "\n");

    public PickleWriter UnicodeProto0(string s) => Op('V').Text(s + "\n");

    public PickleWriter BinInt(int value)
    {
        if (value is >= 0 and < 256)
        {
            return Op('K').Byte((byte)value);
        }
        Op('J');
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return Raw(b);
    }

    public PickleWriter Long1(long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        return Byte(0x8a).Byte(8).Raw(b);
    }

    public PickleWriter BinPut(int index) => Op('q').Byte((byte)index);

    public PickleWriter BinGet(int index) => Op('h').Byte((byte)index);

    public PickleWriter LongBinPut(int index)
    {
        Op('r');
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, index);
        return Raw(b);
    }

    public PickleWriter LongBinGet(int index)
    {
        Op('j');
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, index);
        return Raw(b);
    }

    public PickleWriter Memoize() => Byte(0x94);

    public PickleWriter Mark() => Op('(');

    public PickleWriter Tuple1() => Byte(0x85);

    public PickleWriter Tuple2() => Byte(0x86);

    public PickleWriter Tuple3() => Byte(0x87);

    public PickleWriter Tuple() => Op('t');

    public PickleWriter EmptyTuple() => Op(')');

    public PickleWriter EmptyDict() => Op('}');

    public PickleWriter Reduce() => Op('R');

    public PickleWriter Build() => Op('b');

    public PickleWriter NewObj() => Byte(0x81);

    public PickleWriter NewObjEx() => Byte(0x92);

    public PickleWriter Obj() => Op('o');

    public PickleWriter SetItem() => Op('s');

    public PickleWriter SetItems() => Op('u');

    public PickleWriter Pop() => Op('0');

    public PickleWriter None() => Op('N');

    public PickleWriter NewFalse() => Byte(0x89);

    public PickleWriter Stop() => Op('.');

    public byte[] ToArray() => _out.ToArray();

    /// <summary>
    /// What <c>torch.save({"w": tensor}, f)</c> writes as <c>data.pkl</c> (protocol 2): an OrderedDict of
    /// <c>_rebuild_tensor_v2</c> calls over persistent storages.
    /// </summary>
    public static byte[] TorchStateDict(int tensors = 2)
    {
        var w = new PickleWriter().Proto(2).Global("collections", "OrderedDict").BinPut(0).EmptyTuple().Reduce().BinPut(1).Mark();
        for (var i = 0; i < tensors; i++)
        {
            w.Unicode($"layer{i}.weight").BinPut(2)
                .Global("torch._utils", "_rebuild_tensor_v2").BinPut(3)
                .Mark().Mark().Unicode("storage").Global("torch", "FloatStorage").BinPut(4).Unicode(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Unicode("cpu").BinInt(16).Tuple().BinPersId()
                .BinInt(0).BinInt(4).BinInt(4).Tuple2().BinInt(4).BinInt(1).Tuple2().NewFalse()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce().BinPut(5);
        }
        return w.SetItems().Stop().ToArray();
    }

    /// <summary>What <c>pickle.dumps(numpy.zeros(3), protocol=2)</c> looks like: <c>_reconstruct</c>, <c>dtype</c>, BUILD.</summary>
    public static byte[] NumpyArray() =>
        new PickleWriter().Proto(2)
            .Global("numpy.core.multiarray", "_reconstruct").BinPut(0)
            .Global("numpy", "ndarray").BinPut(1).BinInt(0).Tuple1().ShortBinString("b").Tuple3().Reduce().BinPut(2)
            .Mark().BinInt(1).BinInt(3).Tuple1().Global("numpy", "dtype").BinPut(3).ShortBinString("f8").BinInt(0).BinInt(1).Tuple3().Reduce()
            .BinPut(4).Mark().BinInt(3).ShortBinString("<").None().None().None().BinInt(-1).BinInt(-1).BinInt(0).Tuple().Build()
            .NewFalse().ShortBinString(new string('\0', 24)).Tuple().Build().Stop().ToArray();

    private PickleWriter BinPersId() => Op('Q');
}
