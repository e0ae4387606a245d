namespace Switchyard.Registry.Scanning.Gguf;

/// <summary>What a GGUF file says about the model it holds, from its metadata (never from the file name).</summary>
/// <param name="Architecture"><c>general.architecture</c>, if present.</param>
/// <param name="Name"><c>general.name</c>, if present.</param>
/// <param name="ParameterCount">The sum of the tensors' element counts (computed from the tensor infos).</param>
/// <param name="License"><c>general.license</c> (an SPDX expression by the spec), if present.</param>
public sealed record GgufModelInfo(string? Architecture, string? Name, long ParameterCount, string? License);
