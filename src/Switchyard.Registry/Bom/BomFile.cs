namespace Switchyard.Registry.Bom;

/// <summary>One file of a model, as it was hashed at ingest.</summary>
/// <param name="Path">The path inside the model, with <c>/</c> separators, e.g. <c>model-00001-of-00004.safetensors</c>.</param>
/// <param name="Size">The length in bytes.</param>
/// <param name="Sha256">The SHA-256 of the content, 64 hex digits (either case; written lower case).</param>
/// <param name="Format">The format the scanner detected, e.g. <c>safetensors</c> or <c>gguf</c>.</param>
public sealed record BomFile(string Path, long Size, string Sha256, string Format);
