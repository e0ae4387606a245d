namespace Switchyard.Registry.Scanning.Safetensors;

/// <summary>The dtypes safetensors knows (<c>enum Dtype</c> in safetensors' tensor.rs) and their size in bits.</summary>
internal static class SafetensorsDtype
{
    private static readonly Dictionary<string, int> Bits = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 8, ["U8"] = 8, ["I8"] = 8, ["F8_E5M2"] = 8, ["F8_E4M3"] = 8, ["F8_E8M0"] = 8, ["F8_E4M3FNUZ"] = 8,
        ["F8_E5M2FNUZ"] = 8, ["F4"] = 4, ["F6_E2M3"] = 6, ["F6_E3M2"] = 6, ["I16"] = 16, ["U16"] = 16, ["F16"] = 16,
        ["BF16"] = 16, ["I32"] = 32, ["U32"] = 32, ["F32"] = 32, ["F64"] = 64, ["I64"] = 64, ["U64"] = 64, ["C64"] = 64,
    };

    /// <summary>The size of one element in bits, or false for an unknown dtype.</summary>
    public static bool TryGetBits(string dtype, out int bits) => Bits.TryGetValue(dtype, out bits);
}
