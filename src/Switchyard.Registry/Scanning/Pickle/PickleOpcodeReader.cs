using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Switchyard.Registry.Scanning.Pickle;

/// <summary>
/// Decodes pickle opcodes and their arguments from a byte span, the way CPython's <c>pickletools.genops</c> does, without
/// ever allocating more than the argument it decodes (and strings only up to <see cref="MaxTextChars"/>).
/// </summary>
internal ref struct PickleOpcodeReader
{
    /// <summary>
    /// Strings longer than this are not materialised (<see cref="PickleInstruction.Text"/> is null): no import name is
    /// that long, and a null name is treated as unresolvable, which fails closed.
    /// </summary>
    public const int MaxTextChars = 4096;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;

    public PickleOpcodeReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        Position = position;
    }

    public int Position { get; private set; }

    public readonly bool AtEnd => Position >= _data.Length;

    /// <summary>Reads the next instruction, or returns false with <paramref name="error"/> saying why it cannot.</summary>
    public bool TryRead(out PickleInstruction instruction, out string? error)
    {
        instruction = default;
        error = null;
        var start = Position;
        if (start >= _data.Length)
        {
            error = "the stream ends before a STOP opcode";
            return false;
        }

        var op = (PickleOpcode)_data[start];
        var p = start + 1;
        long integer = 0;
        string? text = null;
        string? text2 = null;
        switch (op)
        {
            case PickleOpcode.Mark or PickleOpcode.Stop or PickleOpcode.Pop or PickleOpcode.PopMark or PickleOpcode.Dup
                or PickleOpcode.None or PickleOpcode.BinPersId or PickleOpcode.Reduce or PickleOpcode.Append
                or PickleOpcode.Build or PickleOpcode.Dict or PickleOpcode.EmptyDict or PickleOpcode.Appends
                or PickleOpcode.List or PickleOpcode.EmptyList or PickleOpcode.Obj or PickleOpcode.SetItem
                or PickleOpcode.Tuple or PickleOpcode.EmptyTuple or PickleOpcode.SetItems or PickleOpcode.NewObj
                or PickleOpcode.Tuple1 or PickleOpcode.Tuple2 or PickleOpcode.Tuple3 or PickleOpcode.NewTrue
                or PickleOpcode.NewFalse or PickleOpcode.EmptySet or PickleOpcode.AddItems or PickleOpcode.FrozenSet
                or PickleOpcode.NewObjEx or PickleOpcode.StackGlobal or PickleOpcode.Memoize or PickleOpcode.NextBuffer
                or PickleOpcode.ReadOnlyBuffer:
                break;

            case PickleOpcode.BinInt1 or PickleOpcode.BinGet or PickleOpcode.BinPut or PickleOpcode.Ext1 or PickleOpcode.Proto:
                if (!Need(p, 1, op, out error)) return false;
                integer = _data[p];
                p += 1;
                break;
            case PickleOpcode.BinInt2 or PickleOpcode.Ext2:
                if (!Need(p, 2, op, out error)) return false;
                integer = BinaryPrimitives.ReadUInt16LittleEndian(_data[p..]);
                p += 2;
                break;
            case PickleOpcode.BinInt:
                if (!Need(p, 4, op, out error)) return false;
                integer = BinaryPrimitives.ReadInt32LittleEndian(_data[p..]);
                p += 4;
                break;
            case PickleOpcode.LongBinGet or PickleOpcode.LongBinPut or PickleOpcode.Ext4:
                if (!Need(p, 4, op, out error)) return false;
                integer = BinaryPrimitives.ReadUInt32LittleEndian(_data[p..]);
                p += 4;
                break;
            case PickleOpcode.BinFloat:
                if (!Need(p, 8, op, out error)) return false;
                p += 8;
                break;
            case PickleOpcode.Frame:
                if (!Need(p, 8, op, out error)) return false;
                var frame = BinaryPrimitives.ReadUInt64LittleEndian(_data[p..]);
                integer = frame > long.MaxValue ? long.MaxValue : (long)frame;
                p += 8;
                break;

            case PickleOpcode.Long1 or PickleOpcode.Long4:
            {
                var width = op == PickleOpcode.Long1 ? 1 : 4;
                if (!Need(p, width, op, out error)) return false;
                long n = width == 1 ? _data[p] : BinaryPrimitives.ReadInt32LittleEndian(_data[p..]);
                p += width;
                if (n < 0)
                {
                    error = $"{Name(op)} has a negative length ({n})";
                    return false;
                }
                if (!Need(p, n, op, out error)) return false;
                integer = LittleEndianSigned(_data.Slice(p, (int)n));
                p += (int)n;
                break;
            }

            case PickleOpcode.ShortBinString or PickleOpcode.ShortBinBytes or PickleOpcode.ShortBinUnicode
                or PickleOpcode.BinString or PickleOpcode.BinBytes or PickleOpcode.BinUnicode
                or PickleOpcode.BinUnicode8 or PickleOpcode.BinBytes8 or PickleOpcode.ByteArray8:
            {
                var width = op switch
                {
                    PickleOpcode.ShortBinString or PickleOpcode.ShortBinBytes or PickleOpcode.ShortBinUnicode => 1,
                    PickleOpcode.BinString or PickleOpcode.BinBytes or PickleOpcode.BinUnicode => 4,
                    _ => 8,
                };
                if (!Need(p, width, op, out error)) return false;
                long n = width switch
                {
                    1 => _data[p],
                    // COMPAT: BINSTRING's length is signed in CPython (a negative one is an error); BINBYTES/BINUNICODE are unsigned.
                    4 => op == PickleOpcode.BinString
                        ? BinaryPrimitives.ReadInt32LittleEndian(_data[p..])
                        : BinaryPrimitives.ReadUInt32LittleEndian(_data[p..]),
                    _ => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(_data[p..]), long.MaxValue),
                };
                p += width;
                if (n < 0)
                {
                    error = $"{Name(op)} has a negative length ({n})";
                    return false;
                }
                if (!Need(p, n, op, out error)) return false;
                var payload = _data.Slice(p, (int)n);
                integer = n;
                if (n <= MaxTextChars)
                {
                    if (op is PickleOpcode.ShortBinUnicode or PickleOpcode.BinUnicode or PickleOpcode.BinUnicode8)
                    {
                        text = DecodeUtf8(payload, op, out error);
                        if (error is not null) return false;
                    }
                    else if (op is PickleOpcode.ShortBinString or PickleOpcode.BinString)
                    {
                        // COMPAT: Python 2 str; torch.load and most loaders decode it as a str (ASCII/latin-1), so a name can hide here.
                        text = Encoding.Latin1.GetString(payload);
                    }
                }
                p += (int)n;
                break;
            }

            case PickleOpcode.Int or PickleOpcode.Long or PickleOpcode.Get or PickleOpcode.Put or PickleOpcode.Float:
            {
                if (!ReadLine(ref p, op, out var line, out error)) return false;
                var s = Encoding.Latin1.GetString(line).Trim();
                if (op == PickleOpcode.Long && s.EndsWith('L'))
                {
                    s = s[..^1];
                }
                if (op == PickleOpcode.Float)
                {
                    if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                        && s is not ("nan" or "inf" or "-inf"))
                    {
                        error = $"FLOAT has a malformed value '{Shorten(s)}'";
                        return false;
                    }
                    break;
                }
                if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer))
                {
                    if (op is PickleOpcode.Int or PickleOpcode.Long && System.Numerics.BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    {
                        integer = long.MaxValue;
                        break;
                    }
                    error = $"{Name(op)} has a malformed number '{Shorten(s)}'";
                    return false;
                }
                break;
            }

            case PickleOpcode.String or PickleOpcode.Unicode or PickleOpcode.PersId:
            {
                if (!ReadLine(ref p, op, out var line, out error)) return false;
                integer = line.Length;
                if (op == PickleOpcode.String)
                {
                    if (!TryUnquote(line, out text))
                    {
                        error = "STRING argument is not a quoted string";
                        return false;
                    }
                }
                else if (op == PickleOpcode.Unicode)
                {
                    text = line.Length <= MaxTextChars ? DecodeRawUnicodeEscape(line) : null;
                }
                else
                {
                    text = line.Length <= MaxTextChars ? Encoding.Latin1.GetString(line) : null;
                }
                break;
            }

            case PickleOpcode.Global or PickleOpcode.Inst:
            {
                if (!ReadLine(ref p, op, out var module, out error)) return false;
                if (!ReadLine(ref p, op, out var name, out error)) return false;
                text = module.Length <= MaxTextChars ? DecodeUtf8(module, op, out error) : null;
                if (error is not null) return false;
                text2 = name.Length <= MaxTextChars ? DecodeUtf8(name, op, out error) : null;
                if (error is not null) return false;
                break;
            }

            default:
                error = $"unknown opcode 0x{(byte)op:x2}";
                return false;
        }

        Position = p;
        instruction = new PickleInstruction(op, start, p - start, integer, text, text2);
        return true;
    }

    /// <summary>The pickletools name of an opcode (<c>STACK_GLOBAL</c>), for findings.</summary>
    public static string Name(PickleOpcode op) => op switch
    {
        PickleOpcode.Mark => "MARK", PickleOpcode.Stop => "STOP", PickleOpcode.Pop => "POP", PickleOpcode.PopMark => "POP_MARK",
        PickleOpcode.Dup => "DUP", PickleOpcode.Float => "FLOAT", PickleOpcode.Int => "INT", PickleOpcode.BinInt => "BININT",
        PickleOpcode.BinInt1 => "BININT1", PickleOpcode.Long => "LONG", PickleOpcode.BinInt2 => "BININT2", PickleOpcode.None => "NONE",
        PickleOpcode.PersId => "PERSID", PickleOpcode.BinPersId => "BINPERSID", PickleOpcode.Reduce => "REDUCE",
        PickleOpcode.String => "STRING", PickleOpcode.BinString => "BINSTRING", PickleOpcode.ShortBinString => "SHORT_BINSTRING",
        PickleOpcode.Unicode => "UNICODE", PickleOpcode.BinUnicode => "BINUNICODE", PickleOpcode.Append => "APPEND",
        PickleOpcode.Build => "BUILD", PickleOpcode.Global => "GLOBAL", PickleOpcode.Dict => "DICT", PickleOpcode.EmptyDict => "EMPTY_DICT",
        PickleOpcode.Appends => "APPENDS", PickleOpcode.Get => "GET", PickleOpcode.BinGet => "BINGET", PickleOpcode.Inst => "INST",
        PickleOpcode.LongBinGet => "LONG_BINGET", PickleOpcode.List => "LIST", PickleOpcode.EmptyList => "EMPTY_LIST",
        PickleOpcode.Obj => "OBJ", PickleOpcode.Put => "PUT", PickleOpcode.BinPut => "BINPUT", PickleOpcode.LongBinPut => "LONG_BINPUT",
        PickleOpcode.SetItem => "SETITEM", PickleOpcode.Tuple => "TUPLE", PickleOpcode.EmptyTuple => "EMPTY_TUPLE",
        PickleOpcode.SetItems => "SETITEMS", PickleOpcode.BinFloat => "BINFLOAT", PickleOpcode.Proto => "PROTO",
        PickleOpcode.NewObj => "NEWOBJ", PickleOpcode.Ext1 => "EXT1", PickleOpcode.Ext2 => "EXT2", PickleOpcode.Ext4 => "EXT4",
        PickleOpcode.Tuple1 => "TUPLE1", PickleOpcode.Tuple2 => "TUPLE2", PickleOpcode.Tuple3 => "TUPLE3",
        PickleOpcode.NewTrue => "NEWTRUE", PickleOpcode.NewFalse => "NEWFALSE", PickleOpcode.Long1 => "LONG1", PickleOpcode.Long4 => "LONG4",
        PickleOpcode.BinBytes => "BINBYTES", PickleOpcode.ShortBinBytes => "SHORT_BINBYTES", PickleOpcode.ShortBinUnicode => "SHORT_BINUNICODE",
        PickleOpcode.BinUnicode8 => "BINUNICODE8", PickleOpcode.BinBytes8 => "BINBYTES8", PickleOpcode.EmptySet => "EMPTY_SET",
        PickleOpcode.AddItems => "ADDITEMS", PickleOpcode.FrozenSet => "FROZENSET", PickleOpcode.NewObjEx => "NEWOBJ_EX",
        PickleOpcode.StackGlobal => "STACK_GLOBAL", PickleOpcode.Memoize => "MEMOIZE", PickleOpcode.Frame => "FRAME",
        PickleOpcode.ByteArray8 => "BYTEARRAY8", PickleOpcode.NextBuffer => "NEXT_BUFFER", PickleOpcode.ReadOnlyBuffer => "READONLY_BUFFER",
        _ => $"0x{(byte)op:x2}",
    };

    private readonly bool Need(int p, long n, PickleOpcode op, out string? error)
    {
        if (n > _data.Length - p)
        {
            error = $"{Name(op)} needs {n} bytes of argument but only {Math.Max(0, _data.Length - p)} remain (truncated stream)";
            return false;
        }
        error = null;
        return true;
    }

    private readonly bool ReadLine(ref int p, PickleOpcode op, out ReadOnlySpan<byte> line, out string? error)
    {
        var rest = _data[p..];
        var nl = rest.IndexOf((byte)'\n');
        if (nl < 0)
        {
            line = default;
            error = $"{Name(op)} argument has no terminating newline (truncated stream)";
            return false;
        }
        line = rest[..nl];
        p += nl + 1;
        error = null;
        return true;
    }

    private static long LittleEndianSigned(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return 0;
        }
        if (bytes.Length > 8)
        {
            // Values beyond a long do not matter for the analysis; keep the sign.
            return (bytes[^1] & 0x80) != 0 ? long.MinValue : long.MaxValue;
        }
        long value = 0;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }
        var shift = 64 - (8 * bytes.Length);
        return shift == 0 ? value : (value << shift) >> shift;
    }

    private static string? DecodeUtf8(ReadOnlySpan<byte> bytes, PickleOpcode op, out string? error)
    {
        error = null;
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // COMPAT: CPython raises UnicodeDecodeError here, so the load fails; but surrogatepass lets lone surrogates through.
            error = $"{Name(op)} argument is not valid UTF-8";
            return null;
        }
    }

    private static bool TryUnquote(ReadOnlySpan<byte> line, out string? text)
    {
        text = null;
        if (line.Length < 2 || (line[0] != (byte)'\'' && line[0] != (byte)'"') || line[^1] != line[0])
        {
            return false;
        }
        var inner = line[1..^1];
        if (inner.Length > MaxTextChars)
        {
            return true;
        }
        var sb = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            var c = (char)inner[i];
            if (c != '\\' || i + 1 >= inner.Length)
            {
                sb.Append(c);
                continue;
            }
            var e = (char)inner[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'x' when i + 2 < inner.Length && IsHex(inner[i + 1]) && IsHex(inner[i + 2]):
                    sb.Append((char)Convert.ToInt32(Encoding.Latin1.GetString(inner.Slice(i + 1, 2)), 16));
                    i += 2;
                    break;
                case >= '0' and <= '7':
                {
                    var v = e - '0';
                    var k = 0;
                    while (k < 2 && i + 1 < inner.Length && inner[i + 1] is >= (byte)'0' and <= (byte)'7')
                    {
                        v = (v * 8) + (inner[++i] - '0');
                        k++;
                    }
                    sb.Append((char)(v & 0xff));
                    break;
                }
                case '\n': break;
                default: sb.Append(e); break;
            }
        }
        text = sb.ToString();
        return true;
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static string DecodeRawUnicodeEscape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\\' && i + 1 < bytes.Length && (bytes[i + 1] == (byte)'u' || bytes[i + 1] == (byte)'U'))
            {
                var digits = bytes[i + 1] == (byte)'u' ? 4 : 8;
                if (i + 1 + digits < bytes.Length
                    && int.TryParse(Encoding.Latin1.GetString(bytes.Slice(i + 2, digits)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp)
                    && cp is >= 0 and <= 0x10FFFF)
                {
                    if (cp is >= 0xD800 and <= 0xDFFF)
                    {
                        sb.Append((char)cp);
                    }
                    else
                    {
                        sb.Append(char.ConvertFromUtf32(cp));
                    }
                    i += 1 + digits;
                    continue;
                }
            }
            sb.Append((char)bytes[i]);
        }
        return sb.ToString();
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
