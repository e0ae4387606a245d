using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Simulator.Configuration;

/// <summary>
/// Reads <see cref="SimulatorOptions"/> from YAML (format in the project's README.md), walking the YAML nodes so that every
/// problem is reported with its file, line, column and key, and all of them at once.
/// </summary>
internal static class SimulatorYamlLoader
{
    private static readonly string[] TopKeys = ["host", "port", "seed", "accept_any_model", "profile", "models"];

    private static readonly string[] ModelKeys =
    [
        "name", "profile", "time_to_first_token", "time_to_first_token_jitter", "tokens_per_second", "tokens_per_second_jitter",
        "skill", "wrong_share", "embedding_dimensions", "context_window", "fault_rates", "tokens_per_chunk",
        "prefix_cache_block", "reasoning_tokens",
    ];

    public static SimulatorOptions Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SimulatorConfigException($"{path}: cannot read the simulator configuration: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    public static SimulatorOptions Parse(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new SimulatorConfigException($"{file}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML: {ex.Message}", ex);
        }

        var state = new State(file);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new SimulatorConfigException($"{file}: the file must be a mapping with keys {string.Join(", ", TopKeys)}.");
        }

        var options = ReadOptions(root, state);
        foreach (var issue in SimulatorOptionsValidator.Validate(options))
        {
            state.Error(state.MarkOf(issue.Key), issue.Key, issue.Message);
        }

        if (state.Errors.Count > 0)
        {
            throw new SimulatorConfigException(state.Errors);
        }

        return options;
    }

    private static SimulatorOptions ReadOptions(YamlMappingNode root, State state)
    {
        var options = new SimulatorOptions();
        if (Find(root, "profile") is { } profileNode && state.Scalar(profileNode, "profile") is { } profile)
        {
            if (SimulatorOptions.ProfileNames.Contains(profile))
            {
                options = SimulatorOptions.ForProfile(profile);
            }
            else
            {
                state.Error(profileNode.Start, "profile", $"unknown profile '{profile}'; use one of: {string.Join(", ", SimulatorOptions.ProfileNames)}.");
            }
        }

        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            state.Remember(key, keyNode.Start);
            switch (key)
            {
                case "host":
                    options = options with { Host = state.Scalar(value, key) ?? options.Host };
                    break;
                case "port":
                    options = options with { Port = state.Int(value, key) ?? options.Port };
                    break;
                case "seed":
                    options = options with { Seed = state.Int(value, key) };
                    break;
                case "accept_any_model":
                    options = options with { AcceptAnyModel = state.Bool(value, key) ?? options.AcceptAnyModel };
                    break;
                case "profile":
                    break;
                case "models":
                    if (value is YamlSequenceNode models)
                    {
                        var list = ImmutableArray.CreateBuilder<SimulatedModel>();
                        var index = 0;
                        foreach (var item in models)
                        {
                            list.Add(ReadModel(item, $"models[{index}]", state));
                            index++;
                        }

                        options = options with { Models = list.ToImmutable() };
                    }
                    else
                    {
                        state.Error(value.Start, key, "expected a list of models (each item starting with '- name: ...').");
                    }

                    break;
                default:
                    state.Error(keyNode.Start, key, $"unknown key; valid keys are: {string.Join(", ", TopKeys)}.");
                    break;
            }
        }

        return options;
    }

    private static SimulatedModel ReadModel(YamlNode node, string prefix, State state)
    {
        state.Remember(prefix, node.Start);
        if (node is not YamlMappingNode mapping)
        {
            state.Error(node.Start, prefix, "expected a mapping with name, time_to_first_token, tokens_per_second, ...");
            return new SimulatedModel { Name = "" };
        }

        var model = new SimulatedModel { Name = "" };
        if (Find(mapping, "profile") is { } profileNode && state.Scalar(profileNode, $"{prefix}.profile") is { } profile)
        {
            switch (profile)
            {
                case "open":
                    model = SimulatorOptions.OpenModel();
                    break;
                case "frontier":
                    model = SimulatorOptions.FrontierModel();
                    break;
                case "instant":
                    model = SimulatorOptions.InstantModel();
                    break;
                case "reasoning":
                    model = SimulatorOptions.ReasoningModel();
                    break;
                default:
                    state.Error(profileNode.Start, $"{prefix}.profile", $"unknown profile '{profile}'; use open, frontier, instant or reasoning.");
                    break;
            }
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            var key = $"{prefix}.{name}";
            state.Remember(key, keyNode.Start);
            switch (name)
            {
                case "name":
                    model = model with { Name = state.Scalar(value, key) ?? "" };
                    break;
                case "profile":
                    break;
                case "time_to_first_token":
                    model = model with { TimeToFirstToken = state.Duration(value, key) ?? model.TimeToFirstToken };
                    break;
                case "time_to_first_token_jitter":
                    model = model with { TimeToFirstTokenJitter = state.Double(value, key) ?? model.TimeToFirstTokenJitter };
                    break;
                case "tokens_per_second":
                    model = model with { TokensPerSecond = state.Double(value, key, allowInfinity: true) ?? model.TokensPerSecond };
                    break;
                case "tokens_per_second_jitter":
                    model = model with { TokensPerSecondJitter = state.Double(value, key) ?? model.TokensPerSecondJitter };
                    break;
                case "skill":
                    model = model with { Skill = state.Probabilities(value, key, model.Skill) };
                    break;
                case "wrong_share":
                    model = model with { WrongShare = state.Double(value, key) ?? model.WrongShare };
                    break;
                case "fault_rates":
                    model = model with { FaultRates = state.Probabilities(value, key, model.FaultRates) };
                    break;
                case "embedding_dimensions":
                    model = model with { EmbeddingDimensions = state.Int(value, key) ?? model.EmbeddingDimensions };
                    break;
                case "context_window":
                    model = model with { ContextWindow = state.Int(value, key) ?? model.ContextWindow };
                    break;
                case "tokens_per_chunk":
                    model = model with { TokensPerChunk = state.Int(value, key) ?? model.TokensPerChunk };
                    break;
                case "prefix_cache_block":
                    model = model with { PrefixCacheBlockTokens = state.Int(value, key) ?? model.PrefixCacheBlockTokens };
                    break;
                case "reasoning_tokens":
                    model = model with { ReasoningTokens = state.Int(value, key) ?? model.ReasoningTokens };
                    break;
                default:
                    state.Error(keyNode.Start, key, $"unknown key; valid keys are: {string.Join(", ", ModelKeys)}.");
                    break;
            }
        }

        return model;
    }

    private static YamlNode? Find(YamlMappingNode mapping, string key)
        => mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>Errors found so far, and where each key was, for the validator's errors.</summary>
    private sealed class State(string file)
    {
        private readonly Dictionary<string, Mark> _marks = new(StringComparer.Ordinal);

        public List<string> Errors { get; } = [];

        public void Remember(string key, Mark mark) => _marks.TryAdd(key, mark);

        /// <summary>Where a key is, or its closest parent that is in the file (a default value has no line of its own).</summary>
        public Mark MarkOf(string key)
        {
            while (true)
            {
                if (_marks.TryGetValue(key, out var mark))
                {
                    return mark;
                }

                var cut = Math.Max(key.LastIndexOf('.'), key.LastIndexOf('['));
                if (cut <= 0)
                {
                    return Mark.Empty;
                }

                key = key[..cut];
            }
        }

        public void Error(Mark mark, string key, string message)
            => Errors.Add(mark.Line > 0 ? $"{file}:{mark.Line}:{mark.Column}: {key}: {message}" : $"{file}: {key}: {message}");

        public string? Scalar(YamlNode node, string key)
        {
            if (node is YamlScalarNode { Value: { } value })
            {
                return value;
            }

            Error(node.Start, key, "expected a single value, not a list or a mapping.");
            return null;
        }

        public int? Int(YamlNode node, string key)
        {
            var text = Scalar(node, key);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Error(node.Start, key, $"'{text}' is not a whole number.");
            return null;
        }

        public double? Double(YamlNode node, string key, bool allowInfinity = false)
        {
            var text = Scalar(node, key);
            if (text is null)
            {
                return null;
            }

            if (allowInfinity && text.Trim().ToLowerInvariant() is "inf" or "infinity" or ".inf" or "instant")
            {
                return double.PositiveInfinity;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                return value;
            }

            Error(node.Start, key, allowInfinity ? $"'{text}' is not a number (or 'infinity' for instant)." : $"'{text}' is not a number.");
            return null;
        }

        public bool? Bool(YamlNode node, string key)
        {
            var text = Scalar(node, key);
            switch (text?.Trim().ToLowerInvariant())
            {
                case null:
                    return null;
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
                default:
                    Error(node.Start, key, $"'{text}' is not a boolean; use true or false.");
                    return null;
            }
        }

        public TimeSpan? Duration(YamlNode node, string key)
        {
            var text = Scalar(node, key);
            if (text is null)
            {
                return null;
            }

            if (DurationParser.TryParse(text, out var duration))
            {
                return duration;
            }

            Error(node.Start, key, $"'{text}' is not a duration; write it with a unit, e.g. 120ms, 1.5s or 2m.");
            return null;
        }

        /// <summary>A mapping of name to probability, merged over <paramref name="defaults"/>.</summary>
        public ImmutableDictionary<string, double> Probabilities(YamlNode node, string key, ImmutableDictionary<string, double> defaults)
        {
            if (node is not YamlMappingNode mapping)
            {
                Error(node.Start, key, "expected a mapping of name: probability, e.g. { code: 0.5, legal: 0.6 }.");
                return defaults;
            }

            var result = defaults.ToBuilder();
            foreach (var (keyNode, value) in mapping.Children)
            {
                var name = (keyNode as YamlScalarNode)?.Value ?? "";
                var entryKey = $"{key}.{name}";
                Remember(entryKey, keyNode.Start);
                if (Double(value, entryKey) is { } probability)
                {
                    result[name] = probability;
                }
            }

            return result.ToImmutable();
        }
    }
}
