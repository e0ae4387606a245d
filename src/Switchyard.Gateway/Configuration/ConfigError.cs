namespace Switchyard.Gateway.Configuration;

/// <summary>
/// One problem in a configuration file: where it is, which key, what is wrong and what would be valid.
/// </summary>
/// <param name="File">The file (or <c>&lt;built-in&gt;</c>).</param>
/// <param name="Line">1-based line, or 0 when the problem is the file as a whole.</param>
/// <param name="Column">1-based column, or 0.</param>
/// <param name="Key">The dotted key path, e.g. <c>deployments.llama.provider</c>.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record ConfigError(string File, int Line, int Column, string Key, string Message)
{
    /// <summary>Formats as <c>file:line:column: key: message</c>, the shape compilers use, so editors can jump to it.</summary>
    public override string ToString() => Line > 0
        ? $"{File}:{Line}:{Column}: {Key}: {Message}"
        : $"{File}: {Key}: {Message}";
}
