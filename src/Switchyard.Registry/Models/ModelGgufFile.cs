using Switchyard.Registry.Scanning.Gguf;

namespace Switchyard.Registry.Models;

/// <summary>A GGUF file of a model folder that parsed, with what its metadata says.</summary>
/// <param name="Path">Relative to the folder, with <c>/</c> separators.</param>
/// <param name="Info">Its metadata (architecture, licence, base models...) and parameter count.</param>
public sealed record ModelGgufFile(string Path, GgufModelInfo Info);
