namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>
/// Turns YamlDotNet's parser messages ("While parsing a block mapping, did not find expected key.") into what went wrong
/// and how to fix it, in the words of someone editing a config file rather than someone writing a YAML parser.
/// </summary>
internal static class YamlSyntaxMessages
{
    // Matched by fragment: YamlDotNet's wording is stable across 13.x–16.x but carries stray spaces and typos.
    private static readonly (string Fragment, string Plain)[] Translations =
    [
        ("block mapping, did not find expected key",
            "this line is not indented like the keys above it, or it is not a 'key: value' pair. Check the spaces at the start of the line; keys of one mapping must start in the same column."),
        ("block collection, did not find expected '-'",
            "this line is not indented like the list items above it. Items of one list must all start with '- ' in the same column."),
        ("invalid tab as indentation",
            "a tab is used for indentation, which YAML does not allow. Indent with spaces."),
        ("tab character that violate indentation",
            "a tab is used for indentation, which YAML does not allow. Indent with spaces."),
        ("character that cannot start any token",
            "a value starts with a character YAML reserves (a tab, '@' or '`'). Indent with spaces, or put the value in quotes."),
        ("plain scalar value, found invalid mapping",
            "a value contains ': ' or is followed by a more indented 'key: value' line. Put the value in quotes if it contains ': ', or fix the indentation."),
        ("multiline plain scalar, found invalid mapping",
            "a value contains ': ' or is followed by a more indented 'key: value' line. Put the value in quotes if it contains ': ', or fix the indentation."),
        ("Mapping values are not allowed in this context",
            "a value contains ': ' where YAML expects a plain value. Put the value in quotes."),
        ("quoted scalar, found unexpected end of stream",
            "a quoted value is never closed. Add the closing quote."),
        ("multi-line double-quoted scalar, found wrong indentation",
            "a quoted value is never closed (or continues onto a line that is not indented). Add the closing quote on the same line."),
        ("quoted scalar, found unexpected document indicator",
            "a quoted value is never closed before a '---' or '...' line. Add the closing quote."),
        ("quoted scalar, found unknown escape character",
            "a double-quoted value contains an unknown escape such as '\\d'. Use single quotes, which take backslashes literally, or write '\\\\'."),
        ("flow mapping,  did not find expected ',' or '}'",
            "a '{ ... }' mapping is not closed, or its entries are not separated by ','. Add the missing '}' or ','."),
        ("flow mapping, did not find expected ',' or '}'",
            "a '{ ... }' mapping is not closed, or its entries are not separated by ','. Add the missing '}' or ','."),
        ("flow sequence, did not find expected ',' or ']'",
            "a '[ ... ]' list is not closed, or its items are not separated by ','. Add the missing ']' or ','."),
        ("simple key, could not find expected ':'",
            "a key is not followed by ':'. Write 'key: value', with a space after the colon."),
        ("node, did not find expected node content",
            "a value is missing, or starts with a character YAML reserves ('%', '@', '`', '|', '>'). Put the value in quotes."),
        ("Block sequence entries are not allowed in this context",
            "a '- item' list starts on the same line as its key. Start the list on the next line, indented, or write it as [a, b]."),
        ("anchor '",
            "an alias (*name) refers to an anchor (&name) that is not defined before it. Define the anchor first, or repeat the value."),
    ];

    /// <summary>The plain-words version of a YamlDotNet message; unknown messages are kept, prefixed so they read as a sentence.</summary>
    public static string Translate(string message)
    {
        foreach (var (fragment, plain) in Translations)
        {
            if (message.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                return $"YAML syntax error: {plain}";
            }
        }

        return $"YAML syntax error: {message.TrimEnd('.')}. Check the indentation, quotes and brackets on this line and the one before.";
    }

    /// <summary>Whether the message is about tabs, which YamlDotNet reports at the enclosing mapping rather than at the tab.</summary>
    public static bool IsAboutTabs(string message) => message.Contains("tab", StringComparison.OrdinalIgnoreCase);

    /// <summary>For the rare parser failure that carries no message of its own (YamlDotNet throws a bare InvalidOperationException on some unclosed brackets).</summary>
    public static string Unclosed =>
        "YAML syntax error: the file ends or changes structure inside an unclosed '[', '{' or quote near here. Close it on the line where it opened.";
}
