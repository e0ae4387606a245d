using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>
/// Sits between YamlDotNet's <see cref="Parser"/> and <see cref="YamlStream"/>: drops the second occurrence of a mapping
/// key together with its value and reports it, naming the line of the first. It also tracks the dotted key path and the
/// last position read, so that a syntax error can say where it happened.
/// </summary>
/// <remarks>
/// <see cref="YamlStream"/> throws on the first duplicate key, which would stop validation and hide every other error, and
/// its message names only the second occurrence. Filtering the events keeps the representation model (every node with its
/// <see cref="YamlNode.Start"/>) and still reports every duplicate. An anchor defined inside a dropped value is dropped too;
/// an alias to it then fails as an unknown anchor, which is the honest outcome for a value that was thrown away.
/// </remarks>
internal sealed class DuplicateKeyFilter(IParser inner, string file, List<ConfigError> errors) : IParser
{
    private readonly Stack<Frame> _frames = new();
    private readonly HashSet<string> _anchors = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ParsingEvent? Current => inner.Current;

    /// <summary>Where the last event started: the best position for an exception that carries none.</summary>
    public Mark LastMark { get; private set; } = Mark.Empty;

    /// <summary>
    /// The first alias whose anchor is not defined before it, and where: YamlStream's own exception for it says line 1.
    /// </summary>
    public (string Name, Mark Start)? UnknownAlias { get; private set; }

    /// <summary>The dotted key path of the node being read, e.g. <c>deployments.llama.timeouts</c>, or empty at the top.</summary>
    public string CurrentPath => _frames.Count == 0 ? "" : _frames.Peek().ChildPath();

    /// <inheritdoc/>
    public bool MoveNext()
    {
        while (inner.MoveNext())
        {
            var current = inner.Current!;
            LastMark = current.Start;
            if (IsDuplicateKey(current))
            {
                SkipValue();
                continue;
            }

            Track(current);
            return true;
        }

        return false;
    }

    private bool IsDuplicateKey(ParsingEvent current)
    {
        if (current is not Scalar key || _frames.Count == 0)
        {
            return false;
        }

        var frame = _frames.Peek();
        if (!frame.IsMapping || !frame.ExpectKey)
        {
            return false;
        }

        if (frame.Keys.TryGetValue(key.Value, out var earlier))
        {
            errors.Add(new ConfigError(
                file,
                ConfigReader.LineOf(key.Start),
                ConfigReader.ColumnOf(key.Start),
                ConfigReader.Join(frame.Path, key.Value),
                $"duplicate key '{key.Value}': it is already defined on line {ConfigReader.LineOf(earlier)}. Remove one of them; YAML keeps only one value per key."));
            return true;
        }

        frame.Keys.Add(key.Value, key.Start);
        return false;
    }

    /// <summary>Drops the value that follows a dropped key: one scalar or alias, or a whole mapping or sequence.</summary>
    private void SkipValue()
    {
        var depth = 0;
        while (inner.MoveNext())
        {
            var current = inner.Current!;
            LastMark = current.Start;
            depth += current.NestingIncrease;
            if (depth <= 0)
            {
                return;
            }
        }
    }

    private void Track(ParsingEvent current)
    {
        if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
        {
            _anchors.Add(anchored.Anchor.Value);
        }

        switch (current)
        {
            case DocumentStart:
                _frames.Clear();
                _anchors.Clear();
                break;
            case AnchorAlias alias:
                if (UnknownAlias is null && !_anchors.Contains(alias.Value.Value))
                {
                    UnknownAlias = (alias.Value.Value, alias.Start);
                }

                CompleteNode(current);
                break;
            case MappingStart:
                _frames.Push(new Frame(isMapping: true, ParentChildPath()));
                break;
            case SequenceStart:
                _frames.Push(new Frame(isMapping: false, ParentChildPath()));
                break;
            case MappingEnd or SequenceEnd:
                _frames.Pop();
                CompleteNode(current);
                break;
            case Scalar:
                CompleteNode(current);
                break;
        }
    }

    private string ParentChildPath() => _frames.Count == 0 ? "" : _frames.Peek().ChildPath();

    /// <summary>A key or value finished: a mapping alternates between the two, a sequence counts its items.</summary>
    private void CompleteNode(ParsingEvent node)
    {
        if (_frames.Count == 0)
        {
            return;
        }

        var parent = _frames.Peek();
        if (!parent.IsMapping)
        {
            parent.Index++;
        }
        else if (parent.ExpectKey)
        {
            parent.ExpectKey = false;
            parent.CurrentKey = node is Scalar scalar ? scalar.Value : "?";
        }
        else
        {
            parent.ExpectKey = true;
            parent.CurrentKey = null;
        }
    }

    private sealed class Frame(bool isMapping, string path)
    {
        public bool IsMapping { get; } = isMapping;

        public string Path { get; } = path;

        public bool ExpectKey { get; set; } = true;

        public string? CurrentKey { get; set; }

        public int Index { get; set; }

        public Dictionary<string, Mark> Keys { get; } = new(StringComparer.Ordinal);

        public string ChildPath() => IsMapping
            ? CurrentKey is null ? Path : ConfigReader.Join(Path, CurrentKey)
            : $"{Path}[{Index}]";
    }
}
