namespace Switchyard.Registry.Scanning.Pickle;

/// <summary>
/// A symbolic value on the simulated unpickler's stack: only what the analysis needs (strings for names, imported
/// globals, call results, and the shallow contents of tuples and dicts) is kept.
/// </summary>
internal abstract class PickleValue
{
    /// <summary>A value whose content does not matter (numbers, bytes, None, lists...).</summary>
    public static readonly PickleValue Opaque = new OpaqueValue();

    /// <summary>The MARK sentinel: never stored, only used while collecting items.</summary>
    public sealed class OpaqueValue : PickleValue;

    /// <summary>A str (or a Python 2 str decoded as text). <see cref="Text"/> is null when it was too long to keep.</summary>
    public sealed class Str(string? text) : PickleValue
    {
        public string? Text { get; } = text;
    }

    /// <summary>A global that GLOBAL, STACK_GLOBAL or INST imported; <see cref="Resolved"/> is false when the names were computed.</summary>
    public sealed class Global(string module, string name, bool resolved) : PickleValue
    {
        public string Module { get; } = module;
        public string Name { get; } = name;
        public bool Resolved { get; } = resolved;
        public string FullName => Module + "." + Name;
    }

    /// <summary>The result of calling <see cref="Callee"/> (REDUCE, OBJ, INST, NEWOBJ, NEWOBJ_EX).</summary>
    public sealed class Call(PickleValue callee) : PickleValue
    {
        public PickleValue Callee { get; } = callee;

        /// <summary>Set by BUILD when a state dict assigned a dunder (<c>__setstate__</c>, <c>__reduce__</c>...).</summary>
        public string? HijackedDunder { get; set; }
    }

    /// <summary>A tuple. PERF: only pairs keep their items (BUILD's <c>(state, slotstate)</c>); others are <see cref="Other"/>.</summary>
    public sealed class Tuple(PickleValue[] items) : PickleValue
    {
        /// <summary>Any tuple whose items the analysis does not need.</summary>
        public static readonly Tuple Other = new([]);

        public PickleValue[] Items { get; } = items;
    }

    /// <summary>
    /// A dict, reduced to what BUILD needs: its dunder keys (bounded) and whether a value is an imported global. Other
    /// entries are dropped so that memory stays proportional to the number of suspicious entries, not to the dict.
    /// </summary>
    public sealed class Dict : PickleValue
    {
        public const int MaxDunderKeys = 16;

        public List<string> DunderKeys { get; } = [];

        public string? CallableValue { get; set; }
    }
}
