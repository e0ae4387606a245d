namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// Why an answer does not match its schema: where (<see cref="Path"/>, as <c>$.items[2].name</c>) and what
/// (<see cref="Message"/>). A validation reports the first violation it meets.
/// </summary>
/// <remarks>
/// SECURITY: the message quotes pieces of the answer (a wrong string, a stray property name), so it is completion text:
/// log it only where body logging is on for the route.
/// </remarks>
/// <param name="Path">The JSON path of the offending value in the answer; <c>$</c> is the whole answer.</param>
/// <param name="Message">What is wrong there, in a sentence a client can act on.</param>
/// <param name="BytePosition">For an answer that is not valid JSON, the offset of the offending byte; otherwise -1.</param>
internal readonly record struct SchemaViolation(string Path, string Message, long BytePosition = -1)
{
    /// <summary>Whether the answer failed to parse as JSON at all (rather than parsing and not matching).</summary>
    public bool IsInvalidJson => BytePosition >= 0;

    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}
