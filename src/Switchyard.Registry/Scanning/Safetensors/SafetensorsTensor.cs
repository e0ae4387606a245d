namespace Switchyard.Registry.Scanning.Safetensors;

/// <summary>One tensor entry of a safetensors header, as validated.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Begin">Start of its bytes, relative to the data buffer.</param>
/// <param name="End">One past its last byte.</param>
internal readonly record struct SafetensorsTensor(string Name, ulong Begin, ulong End);
