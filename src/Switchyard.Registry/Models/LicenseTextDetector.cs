using System.Text;

namespace Switchyard.Registry.Models;

/// <summary>
/// Recognises a licence from the text of a <c>LICENSE</c> file by its signature phrases (titles and opening
/// sentences) and names it with the Hugging Face Hub's licence id. A heuristic for the registry to compare with what
/// the card declares: it says which licence a text looks like, not that the text is the licence unaltered.
/// </summary>
/// <remarks>
/// The text is folded before matching: lowercase, Markdown emphasis and heading marks removed, every run of
/// whitespace (line breaks, non-breaking spaces) made one space. The signature found earliest in the text wins (a
/// licence's title comes first; a later mention of another licence, such as a notice, does not override it); at the
/// same position the first row of the table wins.
/// </remarks>
public static class LicenseTextDetector
{
    /// <summary>Only the start of a text is searched; every signature sits near the top.</summary>
    public const int MaxSearchedChars = 256 << 10;

    // (folded phrase, Hub id). Phrases are lowercase with single spaces.
    private static readonly (string Phrase, string Id)[] Signatures =
    [
        ("llama 2 community license agreement", "llama2"),
        ("llama 3 community license agreement", "llama3"),
        ("llama 3.1 community license agreement", "llama3.1"),
        ("llama 3.2 community license agreement", "llama3.2"),
        ("llama 3.3 community license agreement", "llama3.3"),
        ("llama 4 community license agreement", "llama4"),
        ("gemma terms of use", "gemma"),
        ("tongyi qianwen research license agreement", "tongyi-qianwen-research"),
        ("tongyi qianwen license agreement", "tongyi-qianwen"),
        ("qwen research license agreement", "qwen-research"),
        ("qwen license agreement", "qwen"),
        ("mistral ai research license", "mrl"),
        ("mistral ai non-production license", "mnpl"),
        ("mistral ai non production license", "mnpl"),
        ("deepseek license agreement", "deepseek"),
        ("nvidia open model license", "nvidia-open-model-license"),
        ("fair noncommercial research license", "fair-noncommercial-research-license"),
        ("creativeml open rail-m", "creativeml-openrail-m"),
        ("bigcode open rail-m", "bigcode-openrail-m"),
        ("bigscience rail license", "bigscience-openrail-m"),
        ("bigscience open rail-m", "bigscience-openrail-m"),
        ("open rail++-m license", "openrail++"),
        ("openrail++", "openrail++"),
        ("open rail license", "openrail"),
        ("openrail license", "openrail"),
        ("attribution-noncommercial-sharealike 4.0 international", "cc-by-nc-sa-4.0"),
        ("attribution-noncommercial-noderivatives 4.0 international", "cc-by-nc-nd-4.0"),
        ("attribution-noncommercial 4.0 international", "cc-by-nc-4.0"),
        ("attribution-sharealike 4.0 international", "cc-by-sa-4.0"),
        ("attribution 4.0 international", "cc-by-4.0"),
        ("gnu affero general public license version 3", "agpl-3.0"),
        ("gnu lesser general public license version 3", "lgpl-3.0"),
        ("gnu general public license version 3", "gpl-3.0"),
        ("gnu general public license version 2", "gpl-2.0"),
        ("apache license version 2.0", "apache-2.0"),
        ("apache license, version 2.0", "apache-2.0"),
        ("permission is hereby granted, free of charge", "mit"),
        ("redistribution and use in source and binary forms, with or without modification, are permitted", "bsd"),
    ];

    /// <summary>The Hub licence id the text looks like (<c>apache-2.0</c>, <c>llama3.1</c>, <c>mrl</c>...), or null when none matches.</summary>
    public static string? Detect(string licenseText)
    {
        ArgumentNullException.ThrowIfNull(licenseText);
        var text = Fold(licenseText.AsSpan(0, Math.Min(licenseText.Length, MaxSearchedChars)));
        string? best = null;
        var bestAt = int.MaxValue;
        foreach (var (phrase, id) in Signatures)
        {
            var at = text.IndexOf(phrase, StringComparison.Ordinal);
            if (at >= 0 && at < bestAt)
            {
                best = id;
                bestAt = at;
            }
        }
        if (best == "bsd")
        {
            // BSD-3-Clause is BSD-2-Clause plus the "neither the name of ... may be used to endorse" clause.
            best = text.IndexOf("neither the name of", bestAt, StringComparison.Ordinal) >= 0 ? "bsd-3-clause" : "bsd-2-clause";
        }
        return best;
    }

    private static string Fold(ReadOnlySpan<char> text)
    {
        var folded = new StringBuilder(text.Length);
        var space = true;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == '\u00A0')
            {
                if (!space)
                {
                    folded.Append(' ');
                    space = true;
                }
                continue;
            }
            // Markdown marks (**Apache License**, # Title, `code`, \_) and typographic hyphens.
            if (c is '*' or '#' or '`' or '\\' or '_' or '>')
            {
                continue;
            }
            folded.Append(c is '\u2010' or '\u2011' or '\u2013' or '\u2014' ? '-' : char.ToLowerInvariant(c));
            space = false;
        }
        return folded.ToString();
    }
}
