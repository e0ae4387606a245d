using System.Collections.Immutable;
using Switchyard.Gateway.Configuration.Internal;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration;

/// <summary>
/// Reads <c>switchyard.yaml</c> into a validated <see cref="GatewayConfig"/> snapshot, reporting every error at once, each
/// with its file, line, column and dotted key. The format is described in this folder's README.md.
/// </summary>
/// <remarks>
/// <code>
/// file ─► YamlDotNet Parser ─► DuplicateKeyFilter ─► YamlStream (nodes with Start marks) ─► ConfigReader ─► GatewayConfig
///             │ syntax error          │ duplicate keys                                        │ every other error
///             └───────────────────────┴───────────────────────────────────────────────────────┴─► ConfigLoadResult.Errors
/// </code>
/// The representation model, not the deserializer, so that every value keeps its line. A syntax error stops parsing (the
/// YAML after it has no reliable structure), so it is reported with the duplicate keys found before it and nothing else.
/// </remarks>
public static class ConfigLoader
{
    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file; errors name it as given.</param>
    /// <param name="environment">Looks up <c>${VAR}</c> references; defaults to the process environment.</param>
    public static ConfigLoadResult Load(string path, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Failed(new ConfigError(path, 0, 0, ConfigReader.FileKey,
                $"the configuration file does not exist. Create one with `switchyard demo --write-config {path}`, which writes the built-in demo configuration, or pass --config with the path of an existing file."));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(new ConfigError(path, 0, 0, ConfigReader.FileKey, $"the configuration file cannot be read: {e.Message}"));
        }

        return Parse(yaml, path, environment, Path.GetFullPath(path));
    }

    /// <summary>Validates YAML text that did not come from <see cref="Load"/>; the snapshot's <see cref="GatewayConfig.SourcePath"/> is <see langword="null"/>.</summary>
    /// <param name="yaml">The file's content.</param>
    /// <param name="fileName">The name errors report, e.g. <c>switchyard.yaml</c> or <c>&lt;built-in&gt;</c>.</param>
    /// <param name="environment">Looks up <c>${VAR}</c> references; defaults to the process environment.</param>
    public static ConfigLoadResult Parse(string yaml, string fileName, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);
        return Parse(yaml, fileName, environment, sourcePath: null);
    }

    /// <summary>Like <see cref="Load"/>, for startup: returns the snapshot or throws a <see cref="ConfigException"/> listing every error.</summary>
    /// <exception cref="ConfigException">The file is missing, unreadable or invalid.</exception>
    public static GatewayConfig LoadOrThrow(string path, Func<string, string?>? environment = null)
    {
        var result = Load(path, environment);
        return result.Succeeded ? result.Config : throw new ConfigException(result.Errors);
    }

    private static ConfigLoadResult Parse(string yaml, string fileName, Func<string, string?>? environment, string? sourcePath)
    {
        var errors = new List<ConfigError>();
        var root = ParseYaml(yaml, fileName, errors);
        GatewayConfig? config = null;
        if (root is not null)
        {
            config = new ConfigReader(fileName, environment ?? Environment.GetEnvironmentVariable, errors).Read(root, sourcePath);
        }

        if (errors.Count > 0)
        {
            return Failed([.. errors]);
        }

        return new ConfigLoadResult(config, []);
    }

    /// <summary>The single document's root node, or <see langword="null"/> after recording why there is none.</summary>
    private static YamlNode? ParseYaml(string yaml, string fileName, List<ConfigError> errors)
    {
        var filter = new DuplicateKeyFilter(new Parser(new StringReader(yaml)), fileName, errors);
        var stream = new YamlStream();
        try
        {
            stream.Load(filter);
        }
        catch (AnchorNotFoundException) when (filter.UnknownAlias is { } alias)
        {
            errors.Add(new ConfigError(fileName, ConfigReader.LineOf(alias.Start), ConfigReader.ColumnOf(alias.Start), KeyAt(filter),
                $"YAML syntax error: the alias *{alias.Name} refers to an anchor &{alias.Name} that is not defined before it. Define the anchor first, or repeat the value."));
            return null;
        }
        catch (YamlException e)
        {
            var (line, column) = (ConfigReader.LineOf(e.Start), ConfigReader.ColumnOf(e.Start));
            if (YamlSyntaxMessages.IsAboutTabs(e.Message) && FindIndentationTab(yaml, line) is { } tab)
            {
                (line, column) = tab;
            }

            errors.Add(new ConfigError(fileName, line, column, KeyAt(filter), YamlSyntaxMessages.Translate(e.Message)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // COMPAT: YamlDotNet 16.3 throws a bare InvalidOperationException from its scanner on some unclosed flow
            // collections ("a: [1, 2" followed by more lines) instead of a YamlException; the last event read is the best position.
            errors.Add(new ConfigError(fileName, ConfigReader.LineOf(filter.LastMark), ConfigReader.ColumnOf(filter.LastMark), KeyAt(filter), YamlSyntaxMessages.Unclosed));
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            errors.Add(new ConfigError(fileName, 0, 0, ConfigReader.FileKey,
                "the file is empty. Write at least providers, deployments and routes; `switchyard demo --write-config switchyard.yaml` writes a complete example."));
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            errors.Add(new ConfigError(fileName, ConfigReader.LineOf(second), ConfigReader.ColumnOf(second), ConfigReader.FileKey,
                $"the file holds {stream.Documents.Count} YAML documents (separated by '---'); Switchyard reads exactly one. Merge them into one, or remove the extra '---'."));
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>The first tab in the indentation of a line at or after <paramref name="fromLine"/>, as a 1-based line and column.</summary>
    private static (int Line, int Column)? FindIndentationTab(string yaml, int fromLine)
    {
        var lines = yaml.Split('\n');
        for (var i = Math.Max(fromLine - 1, 0); i < lines.Length; i++)
        {
            var indentation = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indentation);
            if (tab >= 0)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    private static string KeyAt(DuplicateKeyFilter filter) => filter.CurrentPath is { Length: > 0 } path ? path : ConfigReader.FileKey;

    private static ConfigLoadResult Failed(params ConfigError[] errors)
    {
        // Stable sort: errors on one line keep the order they were found in; whole-file errors (line 0) come first.
        var ordered = errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToImmutableArray();
        return new ConfigLoadResult(null, ordered);
    }
}
