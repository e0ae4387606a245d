namespace Switchyard.Registry.Scanning.Gguf;

/// <summary>The <c>ggml_type</c> codes a GGUF tensor may have, with their block sizes (<c>ggml_blck_size</c>/<c>ggml_type_size</c>).</summary>
internal static class GgmlType
{
    /// <summary>(elements per block, bytes per block) by code; (0, 0) for removed or unknown codes.</summary>
    private static readonly (int Block, int Bytes)[] Sizes =
    [
        (1, 4), (1, 2), (32, 18), (32, 20), (0, 0), (0, 0), (32, 22), (32, 24), (32, 34), (32, 36), // 0-9: F32 .. Q8_1 (4, 5 removed)
        (256, 84), (256, 110), (256, 144), (256, 176), (256, 210), (256, 292),                      // 10-15: Q2_K .. Q8_K
        (256, 66), (256, 74), (256, 98), (256, 50), (32, 18), (256, 110), (256, 82), (256, 136),      // 16-23: IQ2_XXS .. IQ4_XS
        (1, 1), (1, 2), (1, 4), (1, 8), (1, 8), (256, 56), (1, 2),                                  // 24-30: I8 .. F64, IQ1_M, BF16
        (0, 0), (0, 0), (0, 0), (256, 54), (256, 66), (0, 0), (0, 0), (0, 0), (32, 17),             // 31-39: TQ1_0, TQ2_0, MXFP4
    ];

    /// <summary>True when <paramref name="code"/> is a type a GGUF file may hold today (not removed, below GGML_TYPE_COUNT).</summary>
    public static bool TryGetSize(uint code, out int block, out int bytes)
    {
        (block, bytes) = code < Sizes.Length ? Sizes[code] : (0, 0);
        return block != 0;
    }
}
