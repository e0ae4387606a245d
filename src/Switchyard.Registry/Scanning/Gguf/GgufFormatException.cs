namespace Switchyard.Registry.Scanning.Gguf;

/// <summary>A GGUF structure that cannot be read further; <see cref="GgufValidator"/> turns it into a finding.</summary>
internal sealed class GgufFormatException(long offset, string message) : Exception(message)
{
    /// <summary>Where in the file the broken structure starts.</summary>
    public long Offset { get; } = offset;
}
