namespace Switchyard.Registry.Scanning.Pickle;

/// <summary>One decoded opcode with its argument.</summary>
/// <param name="Opcode">The opcode.</param>
/// <param name="Offset">Where the opcode byte is in the stream.</param>
/// <param name="Length">The instruction's length in bytes, opcode included.</param>
/// <param name="Integer">An integer argument (lengths, memo indexes, int values that fit a long).</param>
/// <param name="Text">A string argument (decoded text, a GLOBAL's module), if the opcode has one.</param>
/// <param name="Text2">A second string argument (a GLOBAL's or INST's name).</param>
internal readonly record struct PickleInstruction(PickleOpcode Opcode, long Offset, int Length, long Integer, string? Text, string? Text2);
