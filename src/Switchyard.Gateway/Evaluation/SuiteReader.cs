using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Configuration.Internal;
using Switchyard.Gateway.Evaluation.Scoring;
using Switchyard.Gateway.Quality.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Evaluation;

/// <summary>
/// Reads a suite file: JSON lines (<c>.jsonl</c>, <c>.ndjson</c>: a case per line, and optionally a first line with the
/// suite's settings) or YAML (<c>.yaml</c>, <c>.yml</c>, and <c>.json</c>, which YAML reads too: the settings at the top and
/// the cases under <c>cases:</c>). Every problem is reported at once with its line and field, and nothing is run unless
/// the whole file is good. The format: README "Evaluation suites".
/// </summary>
/// <remarks>
/// <code>
/// bytes ─► SHA-256 (the suite's hash)
///       ─► JSON lines: each line a JsonNode (its line)         ┐
///       ─► YAML: the representation model ─► JsonNode (lines) ┴─► settings (suite, judge, defaults) ─► each case: fields, scorers
/// </code>
/// Both formats become the same JSON tree, so one reader checks cases, whatever the file's format; YAML nodes keep their
/// own lines, a JSON line's nodes the line's.
/// </remarks>
internal sealed class SuiteReader
{
    private static readonly string[] CaseKeys = ["id", "use_case", "messages", "tools", "tool_choice", "response_format", "params", "stream", "tags", "metadata", "score"];
    private static readonly string[] SuiteKeys = ["suite", "judge", "defaults", "cases"];
    private static readonly string[] DefaultsKeys = ["use_case", "params", "stream", "tags"];
    private static readonly string[] JudgeKeys = ["model", "rubric", "min_score", "max_tokens"];
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool"];
    private static readonly string[] ReservedParams = ["model", "messages", "stream", "stream_options", "tools", "tool_choice", "response_format"];

    private static readonly Dictionary<string, string[]> ScorerKeys = new(StringComparer.Ordinal)
    {
        ["exact"] = ["type", "expected", "ignore_case", "normalize_whitespace"],
        ["regex"] = ["type", "pattern", "ignore_case"],
        ["json_schema"] = ["type", "schema"],
        ["numeric"] = ["type", "expected", "tolerance", "relative"],
        ["contains"] = ["type", "values", "any", "ignore_case"],
        ["not_contains"] = ["type", "values", "ignore_case"],
        ["judge"] = ["type", "rubric", "min_score"],
        ["quality_gate"] = ["type", "min_score"],
    };

    private const string ScoreExample = "score: { type: exact, expected: \"Paris\" }";

    private readonly string _file;
    private readonly List<SuiteError> _errors = [];
    private readonly Dictionary<JsonNode, int> _lines = new(ReferenceEqualityComparer.Instance);
    private readonly EvalModel? _judgeOverride;

    private SuiteReader(string file, EvalModel? judgeOverride)
    {
        _file = file;
        _judgeOverride = judgeOverride;
    }

    /// <summary>Reads the suite at <paramref name="path"/>; <paramref name="judge"/> (<c>--judge</c>) replaces the file's judge model.</summary>
    public static SuiteReadResult Read(string path, EvalModel? judge = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new SuiteReadResult(null, [new SuiteError(path, 0, "(file)", "the suite file does not exist. Give the path of a .jsonl or .yaml suite (samples/eval/ has examples).")]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SuiteReadResult(null, [new SuiteError(path, 0, "(file)", $"the suite file cannot be read: {e.Message}")]);
        }

        return Parse(bytes, path, judge);
    }

    /// <summary>Reads a suite from its bytes; <paramref name="file"/> names it in errors and its extension picks the format.</summary>
    public static SuiteReadResult Parse(byte[] bytes, string file, EvalModel? judge = null)
    {
        var reader = new SuiteReader(file, judge);
        var suite = reader.ReadSuite(bytes);
        var errors = reader._errors.OrderBy(e => e.Line).ToList();
        return errors.Count > 0 ? new SuiteReadResult(null, errors) : new SuiteReadResult(suite, []);
    }

    private EvalSuite? ReadSuite(byte[] bytes)
    {
        var extension = Path.GetExtension(_file).ToLowerInvariant();
        var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        JsonObject? settings;
        List<(JsonObject Case, int Line, string Prefix)> cases;
        if (extension is ".jsonl" or ".ndjson")
        {
            (settings, cases) = ReadJsonLines(text);
        }
        else if (extension is ".yaml" or ".yml" or ".json")
        {
            (settings, cases) = ReadYaml(text);
        }
        else
        {
            Error(0, "(file)", $"'{extension}' is not a suite format: name the file .jsonl (a case per line) or .yaml (cases under cases:).");
            return null;
        }

        if (settings is null && cases.Count == 0 && _errors.Count == 0)
        {
            Error(0, "(file)", "the suite has no cases. Add at least one, e.g. {\"id\": \"capital\", \"messages\": [{\"role\": \"user\", \"content\": \"Capital of France?\"}], \"score\": {\"type\": \"contains\", \"values\": [\"Paris\"]}}.");
        }

        var name = Path.GetFileNameWithoutExtension(_file);
        EvalJudge? judge = null;
        string? defaultUseCase = null;
        JsonObject? defaultParams = null;
        var defaultStream = false;
        ImmutableArray<string> defaultTags = [];
        if (settings is not null)
        {
            var line = LineOf(settings, 1);
            CheckKeys(settings, line, "", SuiteKeys, "suite: support-bot");
            if (settings["suite"] is { } suiteName)
            {
                name = String(suiteName, line, "suite", "a name for the suite") ?? name;
            }

            judge = ReadJudge(settings["judge"], line);
            if (settings["defaults"] is { } defaults)
            {
                var at = LineOf(defaults, line);
                if (defaults is not JsonObject map)
                {
                    Error(at, "defaults", $"expected a mapping but found {Describe(defaults)}; e.g. defaults: {{ params: {{ temperature: 0 }}, stream: false }}.");
                }
                else
                {
                    CheckKeys(map, at, "defaults", DefaultsKeys, "defaults: { params: { temperature: 0 } }");
                    defaultUseCase = map["use_case"] is { } useCase ? String(useCase, at, "defaults.use_case", "a use case's name") : null;
                    defaultParams = ReadParams(map["params"], at, "defaults.params");
                    defaultStream = Bool(map["stream"], at, "defaults.stream") ?? false;
                    defaultTags = ReadTags(map["tags"], at, "defaults.tags");
                }
            }
        }

        if (judge is null && _judgeOverride is not null)
        {
            var defaults = new JudgeConfig { Deployment = _judgeOverride.Name };
            judge = new EvalJudge(_judgeOverride, defaults.Rubric, defaults.MinScore, defaults.MaxTokens);
        }

        var built = ImmutableArray.CreateBuilder<EvalCase>(cases.Count);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < cases.Count; i++)
        {
            var (node, line, prefix) = cases[i];
            var read = ReadCase(node, line, prefix, i, defaultUseCase, defaultParams, defaultStream, defaultTags, judge);
            // Checked whatever else is wrong with the case: two cases of one id would share their results.
            var id = read?.Id ?? (node["id"] is JsonValue given ? (given.GetValueKind() == JsonValueKind.String ? given.GetValue<string>() : given.ToJsonString()) : null);
            if (id is not null && ids.TryGetValue(id, out var first))
            {
                Error(LineOf(node["id"], line), Join(prefix, "id"), $"the id '{id}' is used twice (first on line {first}). Give each case its own id: results and comparisons are kept by it.");
                continue;
            }

            if (id is not null)
            {
                ids.Add(id, line);
            }

            if (read is not null)
            {
                built.Add(read);
            }
        }

        if (_errors.Count > 0)
        {
            return null;
        }

        return new EvalSuite
        {
            Name = name,
            Path = Path.GetFullPath(_file),
            Hash = System.Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Cases = built.ToImmutable(),
            Judge = judge,
        };
    }

    private (JsonObject? Settings, List<(JsonObject, int, string)> Cases) ReadJsonLines(string text)
    {
        JsonObject? settings = null;
        var cases = new List<(JsonObject, int, string)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var number = i + 1;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 128 });
            }
            catch (JsonException e)
            {
                Error(number, "(line)", $"not JSON: {Plain(e)} (byte {e.BytePositionInLine + 1}). Each line is one case as a JSON object; a case cannot span lines.");
                continue;
            }

            if (node is not JsonObject item)
            {
                Error(number, "(line)", $"expected a JSON object (a case) but found {Describe(node)}.");
                continue;
            }

            if (item.ContainsKey("suite") && !item.ContainsKey("messages"))
            {
                if (settings is not null || cases.Count > 0)
                {
                    Error(number, "suite", $"the suite's settings must be the first line (they are on line {(settings is null ? "none before" : LineOf(settings, 0))}), and there is one such line.");
                    continue;
                }

                if (item.ContainsKey("cases"))
                {
                    Error(number, "cases", "in JSON lines each case is a line of its own: move the cases out of the settings line.");
                    continue;
                }

                settings = item;
                _lines[item] = number;
                continue;
            }

            _lines[item] = number;
            cases.Add((item, number, ""));
        }

        return (settings, cases);
    }

    private (JsonObject? Settings, List<(JsonObject, int, string)> Cases) ReadYaml(string text)
    {
        var cases = new List<(JsonObject, int, string)>();
        var configErrors = new List<ConfigError>();
        var filter = new DuplicateKeyFilter(new Parser(new StringReader(text)), _file, configErrors);
        var stream = new YamlStream();
        try
        {
            stream.Load(filter);
        }
        catch (YamlException e)
        {
            Error(ConfigReader.LineOf(e.Start), filter.CurrentPath is { Length: > 0 } at ? at : "(file)", YamlSyntaxMessages.Translate(e.Message));
            return (null, cases);
        }
        catch (InvalidOperationException)
        {
            // COMPAT: YamlDotNet 16.3 throws this on some unclosed flow collections (see ConfigLoader).
            Error(ConfigReader.LineOf(filter.LastMark), "(file)", YamlSyntaxMessages.Unclosed);
            return (null, cases);
        }

        foreach (var duplicate in configErrors)
        {
            Error(duplicate.Line, duplicate.Key, duplicate.Message);
        }

        if (stream.Documents.Count == 0)
        {
            return (null, cases);
        }

        var root = ToJson(stream.Documents[0].RootNode, "");
        if (root is JsonArray list)
        {
            // A bare list is a list of cases.
            root = new JsonObject { ["cases"] = list };
            _lines[root] = 1;
        }

        if (root is not JsonObject settings)
        {
            Error(1, "(file)", $"the top of a YAML suite is a mapping (suite, judge, defaults, cases) but this is {Describe(root)}.");
            return (null, cases);
        }

        if (settings["cases"] is not JsonArray items || items.Count == 0)
        {
            Error(LineOf(settings["cases"], LineOf(settings, 1)), "cases", settings["cases"] is null
                ? "missing: list the cases under cases:, each with messages and score."
                : "expected a non-empty list of cases, each with messages and score.");
            return (settings, cases);
        }

        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"cases[{i}]";
            if (items[i] is not JsonObject item)
            {
                Error(LineOf(items[i], LineOf(items, 1)), prefix, $"expected a case (a mapping with messages and score) but found {Describe(items[i])}.");
                continue;
            }

            cases.Add((item, LineOf(item, 1), prefix));
        }

        return (settings, cases);
    }

    /// <summary>A YAML node as JSON: plain scalars typed as YAML's core schema types them (null, booleans, numbers), quoted ones strings.</summary>
    private JsonNode? ToJson(YamlNode node, string path)
    {
        JsonNode? converted;
        switch (node)
        {
            case YamlMappingNode mapping:
                var map = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        Error(ConfigReader.LineOf(key.Start), path, "a key must be a plain word, not a list or a mapping.");
                        continue;
                    }

                    map[name] = ToJson(value, Join(path, name));
                }

                converted = map;
                break;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(ToJson(item, path));
                }

                converted = array;
                break;
            case YamlScalarNode scalar:
                converted = Scalar(scalar);
                break;
            default:
                converted = null;
                break;
        }

        if (converted is not null)
        {
            _lines[converted] = ConfigReader.LineOf(node.Start);
        }

        return converted;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (Regex.IsMatch(value, @"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$") && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }

    private EvalJudge? ReadJudge(JsonNode? node, int line)
    {
        if (node is null)
        {
            return null;
        }

        var at = LineOf(node, line);
        const string Example = "judge: { model: frontier, rubric: \"Correct and complete.\", min_score: 0.7 }";
        if (node is not JsonObject judge)
        {
            Error(at, "judge", $"expected a mapping but found {Describe(node)}; e.g. {Example}.");
            return null;
        }

        CheckKeys(judge, at, "judge", JudgeKeys, Example);
        var defaults = new JudgeConfig { Deployment = "" };
        EvalModel? model = _judgeOverride;
        if (model is null)
        {
            if (judge["model"] is not { } modelNode)
            {
                Error(at, "judge.model", $"missing: name the route (or route@deployment) that judges, e.g. {Example}, or pass --judge.");
            }
            else if (String(modelNode, at, "judge.model", "a route or route@deployment") is { } text)
            {
                if (EvalModel.TryParse(text, out var parsed, out var problem))
                {
                    model = parsed;
                }
                else
                {
                    Error(LineOf(modelNode, at), "judge.model", problem);
                }
            }
        }

        var rubric = judge["rubric"] is { } rubricNode ? NonEmpty(rubricNode, at, "judge.rubric", "what a good answer is") : null;
        var minScore = Number(judge["min_score"], at, "judge.min_score", 0, 1) ?? defaults.MinScore;
        var maxTokens = Number(judge["max_tokens"], at, "judge.max_tokens", 16, 4096) is { } max ? (int)max : defaults.MaxTokens;
        return model is null ? null : new EvalJudge(model, rubric ?? defaults.Rubric, minScore, maxTokens);
    }

    private EvalCase? ReadCase(JsonObject node, int line, string prefix, int index, string? defaultUseCase, JsonObject? defaultParams, bool defaultStream, ImmutableArray<string> defaultTags, EvalJudge? judge)
    {
        var errorsBefore = _errors.Count;
        CheckKeys(node, line, prefix, CaseKeys, "{\"id\": ..., \"use_case\": ..., \"messages\": [...], \"score\": {...}}");
        var id = node["id"] is { } idNode
            ? idNode is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : NonEmpty(idNode, line, Join(prefix, "id"), "a case id")
            : $"case-{index + 1}";
        var useCase = node["use_case"] is { } useNode ? NonEmpty(useNode, line, Join(prefix, "use_case"), "a use case's name") : defaultUseCase ?? "default";
        var request = new JsonObject();
        if (ReadMessages(node["messages"], line, prefix) is { } messages)
        {
            request["messages"] = messages;
        }

        if (node["tools"] is { } tools)
        {
            if (tools is JsonArray { Count: > 0 })
            {
                request["tools"] = tools.DeepClone();
            }
            else
            {
                Error(LineOf(tools, line), Join(prefix, "tools"), $"expected a non-empty list of tools, as OpenAI's tools ({{\"type\": \"function\", \"function\": {{...}}}}), but found {Describe(tools)}.");
            }
        }

        if (node["tool_choice"] is { } choice)
        {
            request["tool_choice"] = choice.DeepClone();
        }

        JsonSchema? formatSchema = null;
        if (node["response_format"] is { } format)
        {
            formatSchema = ReadResponseFormat(format, line, prefix);
            request["response_format"] = format.DeepClone();
        }

        foreach (var source in new[] { defaultParams, ReadParams(node["params"], line, Join(prefix, "params")) })
        {
            foreach (var (name, value) in (IEnumerable<KeyValuePair<string, JsonNode?>>?)source ?? [])
            {
                request[name] = value?.DeepClone();
            }
        }

        var stream = node["stream"] is { } streamNode ? Bool(streamNode, line, Join(prefix, "stream")) ?? false : defaultStream;
        var tags = node["tags"] is { } tagNode ? ReadTags(tagNode, line, Join(prefix, "tags")) : defaultTags;
        var metadata = ReadMetadata(node["metadata"], line, Join(prefix, "metadata"));
        var scorers = ReadScorers(node["score"], line, prefix, formatSchema, judge);
        if (_errors.Count > errorsBefore || id is null || useCase is null)
        {
            return null;
        }

        return new EvalCase
        {
            Id = id,
            UseCase = useCase,
            Line = line,
            Request = request,
            Stream = stream,
            Tags = tags,
            Metadata = metadata,
            Scorers = scorers,
        };
    }

    private JsonArray? ReadMessages(JsonNode? node, int line, string prefix)
    {
        var key = Join(prefix, "messages");
        const string Example = "\"messages\": [{\"role\": \"user\", \"content\": \"What is 2 + 2?\"}]";
        if (node is not JsonArray messages || messages.Count == 0)
        {
            Error(LineOf(node, line), key, node is null ? $"missing: the conversation to send, e.g. {Example}." : $"expected a non-empty list of messages, e.g. {Example}.");
            return null;
        }

        var ok = true;
        for (var i = 0; i < messages.Count; i++)
        {
            var itemKey = $"{key}[{i}]";
            var at = LineOf(messages[i], line);
            if (messages[i] is not JsonObject message)
            {
                Error(at, itemKey, $"expected a message ({{\"role\": \"user\", \"content\": \"...\"}}) but found {Describe(messages[i])}.");
                ok = false;
                continue;
            }

            var role = message["role"] is JsonValue r && r.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : null;
            if (role is null || !Roles.Contains(role))
            {
                Error(at, itemKey + ".role", $"{(role is null ? "missing or not a string" : $"'{role}' is not a role")}: use {string.Join(", ", Roles)}.");
                ok = false;
            }

            var content = message["content"];
            var hasCalls = message["tool_calls"] is JsonArray { Count: > 0 };
            var text = content is JsonArray || (content is JsonValue value && value.GetValueKind() == JsonValueKind.String);
            if (!text && !(content is null && hasCalls))
            {
                Error(at, itemKey + ".content", $"expected the message's text (a string, or a list of content parts) but found {Describe(content)}.");
                ok = false;
            }
        }

        if (ok && messages[^1] is JsonObject last && last["role"]?.GetValue<string>() is not ("user" or "tool"))
        {
            Error(LineOf(last, line), $"{key}[{messages.Count - 1}].role", "the last message must be the user's (or a tool's result): it is what the model answers.");
            ok = false;
        }

        return ok ? (JsonArray)messages.DeepClone() : null;
    }

    /// <summary>Checks <c>response_format</c>; the compiled schema of a <c>json_schema</c> format, for a scorer that gives none.</summary>
    private JsonSchema? ReadResponseFormat(JsonNode format, int line, string prefix)
    {
        var key = Join(prefix, "response_format");
        var at = LineOf(format, line);
        var type = format is JsonObject map && map["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        if (type is not ("text" or "json_object" or "json_schema"))
        {
            Error(at, key + ".type", "expected OpenAI's response_format: {\"type\": \"json_object\"}, or {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"...\", \"schema\": {...}}}.");
            return null;
        }

        if (type != "json_schema")
        {
            return null;
        }

        if (format["json_schema"]?["schema"] is not JsonObject schema)
        {
            Error(at, key + ".json_schema.schema", "missing: a json_schema response format needs its schema, {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"answer\", \"schema\": {...}}}.");
            return null;
        }

        return Compile(schema, LineOf(schema, at), key + ".json_schema.schema");
    }

    private JsonSchema? Compile(JsonObject schema, int line, string key)
    {
        if (JsonSchema.TryCompile(Encoding.UTF8.GetBytes(schema.ToJsonString()), out var compiled, out var error))
        {
            return compiled;
        }

        Error(line, key, $"the schema cannot be used: {error}.");
        return null;
    }

    private JsonObject? ReadParams(JsonNode? node, int line, string key)
    {
        if (node is null)
        {
            return null;
        }

        var at = LineOf(node, line);
        if (node is not JsonObject map)
        {
            Error(at, key, $"expected a mapping of request fields (temperature, max_tokens, seed, ...) but found {Describe(node)}.");
            return null;
        }

        var ok = true;
        foreach (var (name, value) in map)
        {
            if (ReservedParams.Contains(name))
            {
                Error(LineOf(value, at), $"{key}.{name}", name is "model" or "stream" or "stream_options"
                    ? $"is set by eval run ({(name == "model" ? "each model under test fills it in" : "stream: true on the case asks for a stream")}); remove it from params."
                    : $"is a field of the case itself: move it out of params.");
                ok = false;
            }
            else if (name == "n" && value?.ToJsonString() != "1")
            {
                Error(LineOf(value, at), $"{key}.n", "only one choice is scored: remove n (or set it to 1), and use --repeat to ask a case several times.");
                ok = false;
            }
        }

        return ok ? map : null;
    }

    private ImmutableArray<string> ReadTags(JsonNode? node, int line, string key)
    {
        if (node is null)
        {
            return [];
        }

        var items = node is JsonArray list ? list.ToList() : [node];
        var tags = ImmutableArray.CreateBuilder<string>();
        foreach (var item in items)
        {
            if (String(item, LineOf(item, line), key, "a tag or a list of tags") is not { } tag)
            {
                continue;
            }

            if (tag.Length == 0 || tag.Length > 64 || tag.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                Error(LineOf(item, line), key, $"'{tag}' is not a tag: use 1 to 64 letters, digits, '-', '_' or '.' (tags go in the x-switchyard-tags header).");
                continue;
            }

            tags.Add(tag.ToLowerInvariant());
        }

        return tags.ToImmutable();
    }

    private ImmutableDictionary<string, string> ReadMetadata(JsonNode? node, int line, string key)
    {
        if (node is null)
        {
            return ImmutableDictionary<string, string>.Empty;
        }

        if (node is not JsonObject map)
        {
            Error(LineOf(node, line), key, $"expected a mapping of names to values but found {Describe(node)}.");
            return ImmutableDictionary<string, string>.Empty;
        }

        var metadata = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in map)
        {
            if (value is JsonValue scalar)
            {
                metadata[name] = scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString();
            }
            else
            {
                Error(LineOf(value, line), $"{key}.{name}", $"expected a plain value (text, a number, true or false) but found {Describe(value)}.");
            }
        }

        return metadata.ToImmutable();
    }

    private ImmutableArray<Scorer> ReadScorers(JsonNode? node, int line, string prefix, JsonSchema? formatSchema, EvalJudge? judge)
    {
        var key = Join(prefix, "score");
        if (node is null)
        {
            Error(line, key, $"missing: say how the answer is scored, e.g. {ScoreExample} (exact, regex, json_schema, numeric, contains, not_contains, judge, quality_gate).");
            return [];
        }

        var items = node is JsonArray list ? list.ToList() : [node];
        if (items.Count == 0)
        {
            Error(LineOf(node, line), key, $"an empty list: give at least one scorer, e.g. {ScoreExample}.");
            return [];
        }

        var scorers = ImmutableArray.CreateBuilder<Scorer>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var itemKey = node is JsonArray ? $"{key}[{i}]" : key;
            if (ReadScorer(items[i], LineOf(items[i], line), itemKey, formatSchema, judge) is { } scorer)
            {
                scorers.Add(scorer);
            }
        }

        return scorers.ToImmutable();
    }

    private Scorer? ReadScorer(JsonNode? node, int line, string key, JsonSchema? formatSchema, EvalJudge? judge)
    {
        if (node is not JsonObject spec)
        {
            Error(line, key, $"expected a scorer such as {ScoreExample} but found {Describe(node)}.");
            return null;
        }

        var type = spec["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        if (type is null || !ScorerKeys.TryGetValue(type, out var keys))
        {
            Error(line, key + ".type", (type is null ? "missing: use" : $"'{type}' is not a scorer.{NameSuggester.DidYouMean(type, ScorerKeys.Keys)} Use")
                + $" one of {string.Join(", ", ScorerKeys.Keys)}, e.g. {ScoreExample}.");
            return null;
        }

        var errorsBefore = _errors.Count;
        CheckKeys(spec, line, key, keys, ScoreExample);
        var ignoreCase = Bool(spec["ignore_case"], line, key + ".ignore_case");
        Scorer? scorer = null;
        switch (type)
        {
            case "exact":
                var expected = spec["expected"] is JsonValue e && e.GetValueKind() is JsonValueKind.String or JsonValueKind.Number
                    ? e.GetValueKind() == JsonValueKind.String ? e.GetValue<string>() : e.ToJsonString()
                    : null;
                if (expected is null)
                {
                    Error(line, key + ".expected", "missing or not text: the answer expected, e.g. { type: exact, expected: \"Paris\" }.");
                    break;
                }

                scorer = new ExactScorer(expected, ignoreCase ?? true, Bool(spec["normalize_whitespace"], line, key + ".normalize_whitespace") ?? true);
                break;
            case "regex":
                if (spec["pattern"] is not { } patternNode || NonEmpty(patternNode, line, key + ".pattern", "a regular expression") is not { } pattern)
                {
                    if (spec["pattern"] is null)
                    {
                        Error(line, key + ".pattern", "missing: the regular expression the answer must match, e.g. { type: regex, pattern: '\\b42\\b' }.");
                    }

                    break;
                }

                try
                {
                    scorer = new RegexScorer(new Regex(pattern, (ignoreCase == true ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, RegexScorer.MatchTimeout));
                }
                catch (ArgumentException problem)
                {
                    Error(LineOf(patternNode, line), key + ".pattern", $"not a valid .NET regular expression: {problem.Message}");
                }

                break;
            case "json_schema":
                if (spec["schema"] is { } schemaNode)
                {
                    if (schemaNode is JsonObject schema)
                    {
                        scorer = Compile(schema, LineOf(schemaNode, line), key + ".schema") is { } compiled ? new JsonSchemaScorer(compiled) : null;
                    }
                    else
                    {
                        Error(LineOf(schemaNode, line), key + ".schema", $"expected a JSON Schema (a mapping) but found {Describe(schemaNode)}.");
                    }
                }
                else if (formatSchema is not null)
                {
                    scorer = new JsonSchemaScorer(formatSchema);
                }
                else
                {
                    Error(line, key + ".schema", "missing: give the schema here, or a response_format of type json_schema on the case, whose schema is used.");
                }

                break;
            case "numeric":
                var number = Number(spec["expected"], line, key + ".expected", double.MinValue, double.MaxValue);
                if (spec["expected"] is null)
                {
                    Error(line, key + ".expected", "missing: the number the answer must end on, e.g. { type: numeric, expected: 42, tolerance: 0.5 }.");
                }

                var tolerance = Number(spec["tolerance"], line, key + ".tolerance", 0, double.MaxValue) ?? 0;
                var relative = Bool(spec["relative"], line, key + ".relative") ?? false;
                scorer = number is { } wanted ? new NumericScorer(wanted, tolerance, relative) : null;
                break;
            case "contains" or "not_contains":
                var values = ReadValues(spec["values"], line, key + ".values");
                var any = type == "contains" && (Bool(spec["any"], line, key + ".any") ?? false);
                scorer = values is null ? null : new ContainsScorer(values, any, ignoreCase ?? true, negate: type == "not_contains");
                break;
            case "judge":
                var rubric = spec["rubric"] is { } rubricNode ? NonEmpty(rubricNode, line, key + ".rubric", "what a good answer is") : null;
                var min = Number(spec["min_score"], line, key + ".min_score", 0, 1);
                if (judge is null)
                {
                    Error(line, key, "this case is scored by a judge, but the suite names none: add judge: { model: ROUTE } to the suite's settings (the top of a YAML suite, the first line of JSON lines), or pass --judge ROUTE.");
                    break;
                }

                scorer = new JudgeScorer(rubric, min);
                break;
            default:
                scorer = new QualityGateScorer(Number(spec["min_score"], line, key + ".min_score", 0, 1) ?? new QualityConfig().Threshold);
                break;
        }

        return _errors.Count > errorsBefore ? null : scorer;
    }

    private List<string>? ReadValues(JsonNode? node, int line, string key)
    {
        if (node is null)
        {
            Error(line, key, "missing: the texts to look for, e.g. values: [Paris, France].");
            return null;
        }

        var items = node is JsonArray list ? list.ToList() : [node];
        var values = new List<string>();
        foreach (var item in items)
        {
            if (item is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number)
            {
                var text = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
                if (text.Length > 0)
                {
                    values.Add(text);
                    continue;
                }
            }

            Error(LineOf(item, line), key, $"expected a non-empty text (or a list of them) but found {Describe(item)}.");
            return null;
        }

        if (values.Count == 0)
        {
            Error(LineOf(node, line), key, "an empty list: give at least one text to look for.");
            return null;
        }

        return values;
    }

    private void CheckKeys(JsonObject map, int line, string prefix, string[] valid, string example)
    {
        foreach (var (name, value) in map)
        {
            if (!valid.Contains(name))
            {
                Error(LineOf(value, line), Join(prefix, name), $"unknown field.{NameSuggester.DidYouMean(name, valid)} Valid here: {string.Join(", ", valid)} (e.g. {example}).");
            }
        }
    }

    private string? String(JsonNode? node, int line, string key, string what)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        Error(LineOf(node, line), key, $"expected {what} (text) but found {Describe(node)}.");
        return null;
    }

    private string? NonEmpty(JsonNode node, int line, string key, string what)
    {
        var text = String(node, line, key, what);
        if (text is not null && string.IsNullOrWhiteSpace(text))
        {
            Error(LineOf(node, line), key, $"is empty: give {what}.");
            return null;
        }

        return text;
    }

    private bool? Bool(JsonNode? node, int line, string key)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetValue<bool>();
        }

        Error(LineOf(node, line), key, $"expected true or false but found {Describe(node)}.");
        return null;
    }

    private double? Number(JsonNode? node, int line, string key, double min, double max)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            if (number < min || number > max)
            {
                Error(LineOf(node, line), key, string.Create(CultureInfo.InvariantCulture, $"{number} is out of range: use {min} to {max}."));
                return null;
            }

            return number;
        }

        Error(LineOf(node, line), key, $"expected a number but found {Describe(node)}.");
        return null;
    }

    private int LineOf(JsonNode? node, int fallback) => node is not null && _lines.TryGetValue(node, out var line) ? line : fallback;

    private void Error(int line, string key, string message) => _errors.Add(new SuiteError(_file, line, key, message));

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;

    private static string Plain(JsonException e)
    {
        // System.Text.Json's messages end with "Path: $ | LineNumber: 0 | BytePositionInLine: 12.": the line is ours to give.
        var message = e.Message;
        foreach (var tail in (ReadOnlySpan<string>)[" Path:", " LineNumber:"])
        {
            var cut = message.IndexOf(tail, StringComparison.Ordinal);
            message = cut > 0 ? message[..cut] : message;
        }

        return message.TrimEnd('.', ' ');
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "nothing (null)",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => $"the text '{Truncate(value.GetValue<string>())}'",
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {value.ToJsonString()}",
            _ => "a value",
        },
        _ => "a value",
    };

    private static string Truncate(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
