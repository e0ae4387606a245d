namespace Switchyard.Gateway.Evaluation;

/// <summary>One problem in a suite file: where it is, which field, what is wrong and how to fix it.</summary>
/// <param name="File">The suite file.</param>
/// <param name="Line">1-based line, or 0 for the file as a whole.</param>
/// <param name="Key">The field, as a path from the case (<c>cases[3].score.pattern</c>, or <c>score.pattern</c> in JSON lines).</param>
/// <param name="Message">What is wrong and how to fix it.</param>
internal sealed record SuiteError(string File, int Line, string Key, string Message)
{
    /// <summary><c>file:line: key: message</c>, the shape compilers use, so editors can jump to it.</summary>
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Key}: {Message}" : $"{File}: {Key}: {Message}";
}
