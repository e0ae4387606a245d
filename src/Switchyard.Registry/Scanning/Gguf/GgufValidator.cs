using System.Buffers.Binary;
using System.Text;
using Switchyard.Registry.Scanning.Templates;

namespace Switchyard.Registry.Scanning.Gguf;

/// <summary>
/// Validates a GGUF (v2, v3, little- or big-endian) file with every check of ggml's reader (<c>src/gguf.cpp</c>) plus the end of the data:
/// header, every metadata key/value, every tensor info, alignment and the layout of the tensor data. Chat templates in
/// the metadata go through <see cref="ChatTemplateInspector"/>. Only the header and metadata are read, never the data.
/// </summary>
/// <remarks>
/// SECURITY: every count and length is checked against the bytes left in the file before anything is allocated or
/// looped over, so a lying count is a finding, never an out-of-memory or a hang (consumers' GGUF readers keep having
/// out-of-bounds bugs from lying dimensions, CVE-2026-7482).
/// </remarks>
internal sealed class GgufValidator
{
    /// <summary><c>GGUF_MAX_STRING_LENGTH</c>.</summary>
    public const ulong MaxStringLength = 1UL << 30;

    /// <summary><c>GGUF_MAX_ARRAY_ELEMENTS</c>.</summary>
    public const ulong MaxArrayElements = 1UL << 30;

    /// <summary>Longest string value read into memory (chat templates, names); longer ones are skipped, not loaded.</summary>
    public const int MaxReadString = 16 << 20;

    /// <summary>Longest value of the descriptive keys (licence name and link, base models...) that is kept; longer ones are skipped.</summary>
    public const int MaxDescriptiveString = 64 << 10;

    /// <summary>Most <c>general.base_model.{i}</c> entries kept; keys of higher indices are skipped (bounded memory).</summary>
    public const int MaxBaseModels = 64;

    private const string BaseModelPrefix = "general.base_model.";
    private const int MaxKeyLength = 65535;
    private const int MaxTensorName = 63; // GGML_MAX_NAME is 64, NUL included
    private const int MaxDims = 4;        // GGML_MAX_DIMS
    private const uint DefaultAlignment = 32;

    private readonly Stream _stream;
    private readonly string _file;
    private readonly long _length;
    private readonly List<ScanFinding> _findings = [];
    private string? _architecture;
    private string? _name;
    private string? _license;
    private readonly Dictionary<string, string> _descriptive = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, GgufBaseModel> _baseModels = [];
    private ulong? _baseModelCount;
    private uint? _fileType;
    private uint _alignment = DefaultAlignment;
    private bool _bigEndian;

    private GgufValidator(Stream stream, string file)
    {
        _stream = stream;
        _file = file;
        _length = stream.Length;
    }

    /// <summary>Validates the GGUF file in <paramref name="stream"/> (seekable); <paramref name="info"/> is null unless it parsed.</summary>
    public static List<ScanFinding> Validate(Stream stream, string file, out GgufModelInfo? info)
    {
        var v = new GgufValidator(stream, file);
        info = null;
        try
        {
            stream.Position = 0;
            if (v.Run() is { } parameters)
            {
                info = v.CreateInfo(parameters);
            }
        }
        catch (GgufFormatException e)
        {
            v.Add(e.Offset, "could not be parsed: " + e.Message);
        }
        return v._findings;
    }

    private GgufModelInfo CreateInfo(long parameters)
    {
        var baseModels = new List<GgufBaseModel>(_baseModels.Count);
        foreach (var (index, model) in _baseModels)
        {
            if (_baseModelCount is null || (ulong)index < _baseModelCount)
            {
                baseModels.Add(model);
            }
        }
        return new GgufModelInfo(_architecture, _name, parameters, _license)
        {
            LicenseName = Descriptive("general.license.name"),
            LicenseLink = Descriptive("general.license.link"),
            BaseModels = baseModels,
            BaseModelCount = _baseModelCount,
            BaseName = Descriptive("general.basename"),
            SizeLabel = Descriptive("general.size_label"),
            Finetune = Descriptive("general.finetune"),
            Organization = Descriptive("general.organization"),
            QuantizedBy = Descriptive("general.quantized_by"),
            FileType = _fileType,
        };
    }

    private string? Descriptive(string key) => _descriptive.GetValueOrDefault(key);

    private long? Run()
    {
        if (_length < 24)
        {
            throw new GgufFormatException(0, "shorter than the 24-byte GGUF header");
        }
        ReadU32(); // magic, checked by the detector
        var version = ReadU32();
        if ((version & 0xFFFF) == 0 && version != 0)
        {
            // COMPAT: gguf.cpp takes a version whose low half is zero for a big-endian file (convert_hf_to_gguf.py
            // --bigendian, for s390x hosts) and refuses it on little-endian hosts; the layout is the same, byte-swapped.
            _bigEndian = true;
            version = BinaryPrimitives.ReverseEndianness(version);
            _findings.Add(new ScanFinding(_file, 4, "gguf", null, FindingSeverity.Info,
                "big-endian GGUF (for big-endian hosts; little-endian llama.cpp builds refuse it): validated byte-swapped"));
        }
        if (version is not (2 or 3))
        {
            Add(4, _bigEndian
                ? $"big-endian version {version} is not supported (GGUF v2 and v3 only)"
                : $"version {version} is not supported (GGUF v2 and v3 only; ggml rejects v1 and above v3)");
            return null;
        }
        var tensorCount = ReadU64();
        var kvCount = ReadU64();
        // Each KV needs at least 8 (key length) + 4 (type) + 1 bytes; each tensor info 8 + 4 + 4 + 8.
        if (kvCount > (ulong)Remaining / 13)
        {
            Add(16, $"metadata count {kvCount} cannot fit in the {_length} bytes of the file");
            return null;
        }
        if (tensorCount > (ulong)Remaining / 24)
        {
            Add(8, $"tensor count {tensorCount} cannot fit in the {_length} bytes of the file");
            return null;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        for (ulong i = 0; i < kvCount; i++)
        {
            ok &= ReadKeyValue(keys);
        }
        var tensors = new List<(string Name, ulong Offset, ulong Bytes, long At)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long parameters = 0;
        for (ulong i = 0; i < tensorCount; i++)
        {
            var t = ReadTensorInfo(names, ref parameters);
            if (t is null)
            {
                ok = false;
                continue;
            }
            tensors.Add(t.Value);
        }
        if (!ok)
        {
            return null;
        }
        return CheckLayout(tensors) ? parameters : null;
    }

    private bool ReadKeyValue(HashSet<string> keys)
    {
        var at = _stream.Position;
        var keyLength = ReadU64();
        if (keyLength == 0 || keyLength > MaxKeyLength || keyLength > (ulong)Remaining)
        {
            throw new GgufFormatException(at, $"metadata key length {keyLength} is empty, above {MaxKeyLength} or past the end of the file");
        }
        var key = ReadUtf8((int)keyLength, at);
        foreach (var c in key)
        {
            if (c > 0x7F || char.IsControl(c))
            {
                throw new GgufFormatException(at, $"metadata key '{Short(key)}' is not printable ASCII");
            }
        }
        var ok = true;
        if (!keys.Add(key))
        {
            Add(at, $"duplicate metadata key '{Short(key)}' (ggml rejects it; readers disagree on which wins)");
            ok = false;
        }
        var type = ReadU32();
        switch (key)
        {
            case "general.alignment":
                if (type != 4)
                {
                    throw new GgufFormatException(at, "general.alignment is not a UINT32");
                }
                _alignment = ReadU32();
                if (_alignment == 0 || (_alignment & (_alignment - 1)) != 0)
                {
                    throw new GgufFormatException(at, $"general.alignment {_alignment} is not a non-zero power of 2");
                }
                return ok;
            case "general.architecture" or "general.name" or "general.license" when type == 8:
                var value = ReadString(at, keep: true);
                switch (key)
                {
                    case "general.architecture":
                        _architecture = value;
                        break;
                    case "general.name":
                        _name = value;
                        break;
                    default:
                        _license = value;
                        break;
                }
                return ok;
            case "general.file_type" when type == 4:
                _fileType = ReadU32();
                return ok;
            case "general.base_model.count" when type is 4 or 10:
                _baseModelCount = type == 4 ? ReadU32() : ReadU64();
                return ok;
            case "general.license.name" or "general.license.link" or "general.basename" or "general.size_label"
                or "general.finetune" or "general.organization" or "general.quantized_by" when type == 8:
                if (ReadString(at, keep: true, MaxDescriptiveString) is { } text)
                {
                    _descriptive[key] = text;
                }
                return ok;
        }
        if (type == 8 && ParseBaseModelKey(key) is ({ } index, { } field))
        {
            if (ReadString(at, keep: true, MaxDescriptiveString) is { } text)
            {
                var model = _baseModels.GetValueOrDefault(index) ?? new GgufBaseModel(null, null, null, null);
                _baseModels[index] = field switch
                {
                    "name" => model with { Name = text },
                    "organization" => model with { Organization = text },
                    "version" => model with { Version = text },
                    _ => model with { RepoUrl = text },
                };
            }
            return ok;
        }
        if (IsChatTemplate(key))
        {
            if (type != 8)
            {
                throw new GgufFormatException(at, $"'{Short(key)}' is not a string");
            }
            var template = ReadString(at, keep: true);
            if (template is null)
            {
                Add(at, $"'{Short(key)}' is longer than {MaxReadString} bytes: the chat template was not inspected");
                return false;
            }
            _findings.AddRange(ChatTemplateInspector.Inspect(template, _file, at, key));
            return ok;
        }
        SkipValue(type, at, key, nested: false);
        return ok;
    }

    /// <summary>The index and field of a kept <c>general.base_model.{i}.{name,organization,version,repo_url}</c> key, or nulls.</summary>
    private static (int? Index, string? Field) ParseBaseModelKey(string key)
    {
        if (!key.StartsWith(BaseModelPrefix, StringComparison.Ordinal))
        {
            return (null, null);
        }
        var rest = key.AsSpan(BaseModelPrefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0 || dot > 3 || !int.TryParse(rest[..dot], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            || index >= MaxBaseModels)
        {
            return (null, null);
        }
        var field = rest[(dot + 1)..].ToString();
        return field is "name" or "organization" or "version" or "repo_url" ? (index, field) : (null, null);
    }

    private static bool IsChatTemplate(string key) =>
        key == "tokenizer.chat_template" || key.StartsWith("tokenizer.chat_template.", StringComparison.Ordinal);

    private void SkipValue(uint type, long at, string key, bool nested)
    {
        switch (type)
        {
            case 0 or 1:
                Skip(1, at);
                break;
            case 7:
                if (ReadByte(at) > 1)
                {
                    throw new GgufFormatException(at, $"'{Short(key)}' is a BOOL that is neither 0 nor 1");
                }
                break;
            case 2 or 3:
                Skip(2, at);
                break;
            case 4 or 5 or 6:
                Skip(4, at);
                break;
            case 10 or 11 or 12:
                Skip(8, at);
                break;
            case 8:
                ReadString(at, keep: false);
                break;
            case 9 when nested:
                throw new GgufFormatException(at, $"'{Short(key)}' is an array of arrays (ggml rejects nested arrays)");
            case 9:
                var elementType = ReadU32();
                var count = ReadU64();
                var minSize = elementType switch
                {
                    0 or 1 or 7 => 1UL,
                    2 or 3 => 2UL,
                    4 or 5 or 6 => 4UL,
                    8 or 10 or 11 or 12 => 8UL,
                    9 => throw new GgufFormatException(at, $"'{Short(key)}' is an array of arrays (ggml rejects nested arrays)"),
                    _ => throw new GgufFormatException(at, $"'{Short(key)}' is an array of unknown type {elementType}"),
                };
                if (count > MaxArrayElements || count > (ulong)Remaining / minSize)
                {
                    throw new GgufFormatException(at, $"'{Short(key)}' declares {count} elements, more than the file (or 2^30) can hold");
                }
                if (elementType is 8 or 7)
                {
                    for (ulong i = 0; i < count; i++)
                    {
                        SkipValue(elementType, at, key, nested: true);
                    }
                }
                else
                {
                    Skip((long)(count * minSize), at);
                }
                break;
            default:
                throw new GgufFormatException(at, $"'{Short(key)}' has unknown value type {type}");
        }
    }

    private (string Name, ulong Offset, ulong Bytes, long At)? ReadTensorInfo(HashSet<string> names, ref long parameters)
    {
        var at = _stream.Position;
        var nameLength = ReadU64();
        if (nameLength > MaxTensorName || nameLength > (ulong)Remaining)
        {
            throw new GgufFormatException(at, $"tensor name length {nameLength} is above {MaxTensorName} (GGML_MAX_NAME) or past the end of the file");
        }
        var name = ReadUtf8((int)nameLength, at);
        var ok = true;
        if (!names.Add(name))
        {
            Add(at, $"duplicate tensor name '{name}'");
            ok = false;
        }
        var nDims = ReadU32();
        if (nDims > MaxDims)
        {
            throw new GgufFormatException(at, $"tensor '{name}' has {nDims} dimensions (at most {MaxDims})");
        }
        Span<ulong> dims = stackalloc ulong[MaxDims];
        UInt128 elements = 1;
        for (var d = 0; d < nDims; d++)
        {
            dims[d] = ReadU64();
            elements *= dims[d];
            if (dims[d] > long.MaxValue || elements > long.MaxValue)
            {
                throw new GgufFormatException(at, $"tensor '{name}' dimensions overflow a 64-bit element count");
            }
        }
        var type = ReadU32();
        var offset = ReadU64();
        if (!GgmlType.TryGetSize(type, out var block, out var typeSize))
        {
            Add(at, $"tensor '{name}' has an unknown or removed ggml type {type}");
            return null;
        }
        var first = nDims == 0 ? 1UL : dims[0];
        if (first % (ulong)block != 0)
        {
            Add(at, $"tensor '{name}' row of {first} elements is not a multiple of the type's block size {block}");
            return null;
        }
        var bytes = elements / (ulong)block * (ulong)typeSize;
        if (bytes > long.MaxValue)
        {
            throw new GgufFormatException(at, $"tensor '{name}' byte size overflows");
        }
        parameters = (long)UInt128.Min(long.MaxValue, (ulong)parameters + elements);
        return ok ? (name, offset, (ulong)bytes, at) : null;
    }

    private bool CheckLayout(List<(string Name, ulong Offset, ulong Bytes, long At)> tensors)
    {
        var dataStart = (ulong)Align((ulong)_stream.Position);
        if (dataStart > (ulong)_length && tensors.Count > 0)
        {
            Add(_stream.Position, "the tensor data section starts past the end of the file");
            return false;
        }
        ulong expected = 0;
        ulong end = 0;
        foreach (var t in tensors)
        {
            if (t.Offset % _alignment != 0)
            {
                Add(t.At, $"tensor '{t.Name}' offset {t.Offset} is not aligned to {_alignment}");
                return false;
            }
            if (t.Offset != expected)
            {
                Add(t.At, t.Offset < expected
                    ? $"tensor '{t.Name}' at offset {t.Offset} overlaps the previous tensor, which ends at {expected}"
                    : $"tensor '{t.Name}' has offset {t.Offset}, expected {expected}: a gap in the data");
                return false;
            }
            end = expected + t.Bytes;
            if (end > (ulong)_length - dataStart)
            {
                Add(t.At, $"tensor '{t.Name}' ends at {dataStart + end}, past the end of the file ({_length} bytes)");
                return false;
            }
            expected = Align(end);
        }
        var data = (ulong)_length - Math.Min(dataStart, (ulong)_length);
        // COMPAT: ggml reads (and gguf-py and ggml write) every tensor padded to the alignment, the last one included.
        if (data > expected && tensors.Count > 0)
        {
            Add(-1, $"{data - expected} bytes after the last tensor are not indexed by any tensor");
            return false;
        }
        if (data < expected)
        {
            Add(-1, $"truncated: the tensor data needs {expected} bytes with padding but the file holds {data}");
            return false;
        }
        return true;
    }

    private ulong Align(ulong offset) => offset + ((_alignment - (offset % _alignment)) % _alignment);

    private string? ReadString(long at, bool keep) => ReadString(at, keep, MaxReadString);

    private string? ReadString(long at, bool keep, int maxKeep)
    {
        var length = ReadU64();
        if (length > MaxStringLength || length > (ulong)Remaining)
        {
            throw new GgufFormatException(at, $"string length {length} is above 1 GiB or past the end of the file");
        }
        if (!keep || length > (ulong)maxKeep)
        {
            Skip((long)length, at);
            return null;
        }
        return ReadUtf8((int)length, at);
    }

    private string ReadUtf8(int length, long at)
    {
        var bytes = new byte[length];
        _stream.ReadExactly(bytes);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new GgufFormatException(at, "a string is not valid UTF-8");
        }
    }

    private long Remaining => _length - _stream.Position;

    private void Skip(long bytes, long at)
    {
        if (bytes > Remaining)
        {
            throw new GgufFormatException(at, "a value runs past the end of the file");
        }
        _stream.Position += bytes;
    }

    private byte ReadByte(long at)
    {
        var b = _stream.ReadByte();
        return b < 0 ? throw new GgufFormatException(at, "a value runs past the end of the file") : (byte)b;
    }

    private uint ReadU32()
    {
        Span<byte> b = stackalloc byte[4];
        Fill(b);
        return _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    private ulong ReadU64()
    {
        Span<byte> b = stackalloc byte[8];
        Fill(b);
        return _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    private void Fill(Span<byte> b)
    {
        if (Remaining < b.Length)
        {
            throw new GgufFormatException(_stream.Position, "truncated: the file ends inside the header or metadata");
        }
        _stream.ReadExactly(b);
    }

    private void Add(long offset, string reason) =>
        _findings.Add(new ScanFinding(_file, offset, "gguf", null, FindingSeverity.High, reason) { RuleId = ScanRules.GgufMalformed });

    private static string Short(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
