using System.Runtime.CompilerServices;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Registry.Models;

/// <summary>Reads the YAML front matter of a Hugging Face model card. Never throws on a bad card: problems are <see cref="ModelCard.Errors"/>.</summary>
/// <remarks>
/// <code>
/// text ──► BOM, CRLF ──► front matter (first non-blank line "---" up to the next "---" line) ──► YAML events
///   (depth check) ──► YamlStream (representation model: no reflection, trim-safe) ──► top-level keys ──► ModelCard
/// </code>
/// Line numbers in errors are the README's own lines, front matter delimiter included.
/// </remarks>
public static class ModelCardReader
{
    /// <summary>Deepest YAML nesting accepted. SECURITY: the representation model builds nodes recursively; a deep card must not overflow the stack.</summary>
    public const int MaxDepth = 64;

    private static readonly string[] Relations = ["adapter", "merge", "quantized", "finetune"];

    /// <summary>Parses the front matter of <paramref name="readmeText"/>; <paramref name="file"/> names the card in errors.</summary>
    public static ModelCard Parse(string readmeText, string file = "README.md")
    {
        ArgumentNullException.ThrowIfNull(readmeText);
        var errors = new List<string>();
        var lines = readmeText.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var open = 0;
        while (open < lines.Length && string.IsNullOrWhiteSpace(lines[open]))
        {
            open++;
        }
        if (open == lines.Length || lines[open].TrimEnd() != "---")
        {
            return ModelCard.Empty(file);
        }
        var close = open + 1;
        while (close < lines.Length && lines[close].TrimEnd() != "---")
        {
            close++;
        }
        if (close == lines.Length)
        {
            errors.Add($"{file} line {open + 1}: the front matter opened with '---' is never closed by a '---' line");
            return ModelCard.Empty(file) with { HasFrontMatter = true, Errors = errors };
        }

        // YAML line 1 is README line open + 2 (open is 0-based).
        var lineOffset = open + 1;
        var yaml = string.Join('\n', lines, open + 1, close - open - 1);
        YamlMappingNode? root;
        var lastLine = new StrongBox<long>(1);
        try
        {
            root = Load(yaml, lineOffset, file, errors, lastLine);
        }
        catch (YamlException e)
        {
            errors.Add($"{file} line {e.Start.Line + lineOffset}: invalid YAML: {Message(e)}");
            root = null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // COMPAT: YamlDotNet 16 throws InvalidOperationException from its scanner on some broken input (an
            // unclosed flow sequence followed by a plain scalar); the line is where the last good event ended.
            errors.Add($"{file} line {lastLine.Value + lineOffset}: invalid YAML after this line");
            root = null;
        }
        if (root is null)
        {
            return ModelCard.Empty(file) with { HasFrontMatter = true, Errors = errors };
        }
        return Read(root, file, lineOffset, errors);
    }

    private static YamlMappingNode? Load(string yaml, int lineOffset, string file, List<string> errors, StrongBox<long> lastLine)
    {
        var depth = 0;
        var parser = new Parser(new StringReader(yaml));
        while (parser.MoveNext())
        {
            var current = parser.Current;
            lastLine.Value = current?.End.Line ?? lastLine.Value;
            switch (current)
            {
                case MappingStart or SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        errors.Add($"{file} line {current.Start.Line + lineOffset}: nested deeper than {MaxDepth} levels");
                        return null;
                    }
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            errors.Add($"{file} line {stream.Documents[0].RootNode.Start.Line + lineOffset}: the front matter is not a YAML mapping of 'key: value' lines");
            return null;
        }
        return mapping;
    }

    private static ModelCard Read(YamlMappingNode root, string file, int lineOffset, List<string> errors)
    {
        string? license = null, licenseName = null, licenseLink = null, relation = null, pipeline = null, library = null, prompt = null;
        IReadOnlyList<string> baseModels = [], tags = [], languages = [], datasets = [];
        var gated = false;
        foreach (var (keyNode, value) in root.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                continue;
            }
            var at = $"{file} line {value.Start.Line + lineOffset}";
            switch (key)
            {
                case "license":
                    license = One(value, key, "give one licence id", at, errors);
                    break;
                case "license_name":
                    licenseName = One(value, key, "give one licence name", at, errors);
                    break;
                case "license_link":
                    licenseLink = One(value, key, "give one URL or file name", at, errors);
                    break;
                case "base_model":
                    baseModels = Many(value, key, at, file, lineOffset, errors);
                    break;
                case "base_model_relation":
                    relation = One(value, key, "give one of adapter, merge, quantized, finetune", at, errors);
                    if (relation is not null && Array.IndexOf(Relations, relation) < 0)
                    {
                        errors.Add($"{at}: base_model_relation '{relation}' is not one of adapter, merge, quantized, finetune");
                        relation = null;
                    }
                    break;
                case "pipeline_tag":
                    pipeline = One(value, key, "give one pipeline tag", at, errors);
                    break;
                case "library_name":
                    library = One(value, key, "give one library name", at, errors);
                    break;
                case "tags":
                    tags = Many(value, key, at, file, lineOffset, errors);
                    break;
                case "language":
                    languages = Many(value, key, at, file, lineOffset, errors);
                    break;
                case "datasets":
                    datasets = Many(value, key, at, file, lineOffset, errors);
                    break;
                case "gated":
                    // COMPAT: the Hub's API reports gated as false, "auto" or "manual"; cards also write true.
                    gated |= value is not YamlScalarNode s || Scalar(s) is not (null or "false" or "False" or "no");
                    break;
                case "extra_gated_prompt":
                    gated = true;
                    prompt = value is YamlScalarNode p ? Scalar(p) : null;
                    break;
                default:
                    if (key.StartsWith("extra_gated_", StringComparison.Ordinal))
                    {
                        gated = true;
                    }
                    break;
            }
        }
        return new ModelCard
        {
            File = file,
            HasFrontMatter = true,
            License = license,
            LicenseName = licenseName,
            LicenseLink = licenseLink,
            BaseModels = baseModels,
            BaseModelRelation = relation,
            PipelineTag = pipeline,
            LibraryName = library,
            Tags = tags,
            Languages = languages,
            Datasets = datasets,
            Gated = gated,
            ExtraGatedPrompt = prompt,
            Errors = errors,
        };
    }

    private static string? One(YamlNode value, string key, string fix, string at, List<string> errors)
    {
        switch (value)
        {
            case YamlScalarNode s:
                return Scalar(s);
            case YamlSequenceNode:
                errors.Add($"{at}: {key} is a list; {fix}");
                return null;
            default:
                errors.Add($"{at}: {key} is a mapping; {fix}");
                return null;
        }
    }

    private static List<string> Many(YamlNode value, string key, string at, string file, int lineOffset, List<string> errors)
    {
        var items = new List<string>();
        switch (value)
        {
            case YamlScalarNode s:
                if (Scalar(s) is { } one)
                {
                    items.Add(one);
                }
                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    if (item is YamlScalarNode si)
                    {
                        if (Scalar(si) is { } text)
                        {
                            items.Add(text);
                        }
                    }
                    else
                    {
                        errors.Add($"{file} line {item.Start.Line + lineOffset}: an item of {key} is not a plain value");
                    }
                }
                break;
            default:
                errors.Add($"{at}: {key} is a mapping; give a value or a list of values");
                break;
        }
        return items;
    }

    /// <summary>The trimmed text of a scalar; null for YAML nulls (<c>~</c>, <c>null</c>, nothing) and blank strings.</summary>
    private static string? Scalar(YamlScalarNode node)
    {
        var text = node.Value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return node.Style == ScalarStyle.Plain && text is "~" or "null" or "Null" or "NULL" ? null : text;
    }

    /// <summary>The exception's message without YamlDotNet's "(Line: 3, Col: 1, Idx: 20) - (...): " prefix, which uses the YAML's own lines.</summary>
    private static string Message(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && cut > 0 ? message[(cut + 3)..] : message;
    }
}
