using System.Text.RegularExpressions;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// One compiled (sub)schema: the keywords that constrain, read once and kept in the form the validator checks fastest.
/// Immutable once <see cref="SchemaCompiler"/> has built it, so a compiled schema is shared by concurrent validations.
/// </summary>
/// <remarks>
/// Type-specific keywords (<c>minLength</c>, <c>minimum</c>, <c>properties</c>, ...) apply only to a value of their type,
/// as in JSON Schema; <c>type</c> is what rejects a value of the wrong type.
/// </remarks>
internal sealed class SchemaNode
{
    /// <summary>Position in the compiler's list of all nodes (for the reference-cycle check).</summary>
    public required int Id { get; init; }

    /// <summary>The boolean schema <c>false</c>: nothing matches.</summary>
    public bool Never { get; init; }

    /// <summary>The types <c>type</c> allows; <see cref="SchemaTypes.Any"/> without the keyword.</summary>
    public SchemaTypes Types { get; init; } = SchemaTypes.Any;

    /// <summary>The <c>enum</c> values, or null.</summary>
    public EnumValue[]? Enum { get; init; }

    /// <summary>The <c>const</c> value, or null.</summary>
    public EnumValue? Const { get; init; }

    /// <summary>The <c>anyOf</c> alternatives, or null.</summary>
    public SchemaNode[]? AnyOf { get; init; }

    /// <summary>The slot of the <c>$ref</c> target in the compiled schema, or -1.</summary>
    public int Ref { get; init; } = -1;

    /// <summary>Where the <c>$ref</c> sits in the schema, for the cycle error.</summary>
    public string? RefLocation { get; init; }

    /// <summary>Named properties (<c>properties</c> and <c>required</c>), or null.</summary>
    public PropertyTable? Properties { get; init; }

    /// <summary>The <c>patternProperties</c> patterns, or null.</summary>
    public Regex[]? PatternPropertyPatterns { get; init; }

    /// <summary>The subschema of each <c>patternProperties</c> pattern, index for index.</summary>
    public SchemaNode[]? PatternPropertyNodes { get; init; }

    /// <summary>Whether properties the schema does not name are allowed (<c>additionalProperties</c> is not false).</summary>
    public bool AdditionalAllowed { get; init; } = true;

    /// <summary>The <c>additionalProperties</c> subschema, or null.</summary>
    public SchemaNode? AdditionalSchema { get; init; }

    /// <summary>The <c>items</c> subschema, or null.</summary>
    public SchemaNode? Items { get; init; }

    /// <summary><c>minItems</c>; 0 without it.</summary>
    public int MinItems { get; init; }

    /// <summary><c>maxItems</c>; <see cref="int.MaxValue"/> without it.</summary>
    public int MaxItems { get; init; } = int.MaxValue;

    /// <summary><c>minLength</c> in code points; 0 without it.</summary>
    public int MinLength { get; init; }

    /// <summary><c>maxLength</c> in code points; <see cref="int.MaxValue"/> without it.</summary>
    public int MaxLength { get; init; } = int.MaxValue;

    /// <summary>The compiled <c>pattern</c>, or null.</summary>
    public Regex? Pattern { get; init; }

    /// <summary>The <c>format</c>.</summary>
    public StringFormat Format { get; init; }

    /// <summary><c>minimum</c>, or null.</summary>
    public SchemaNumber? Minimum { get; init; }

    /// <summary><c>maximum</c>, or null.</summary>
    public SchemaNumber? Maximum { get; init; }

    /// <summary><c>exclusiveMinimum</c>, or null.</summary>
    public SchemaNumber? ExclusiveMinimum { get; init; }

    /// <summary><c>exclusiveMaximum</c>, or null.</summary>
    public SchemaNumber? ExclusiveMaximum { get; init; }

    /// <summary><c>multipleOf</c> (positive), or null.</summary>
    public SchemaNumber? MultipleOf { get; init; }

    /// <summary>Whether any string keyword is present (so a plain string costs one test).</summary>
    public bool HasStringChecks { get; init; }

    /// <summary>Whether any number keyword is present.</summary>
    public bool HasNumberChecks { get; init; }

    /// <summary>Whether any object keyword is present.</summary>
    public bool HasObjectChecks { get; init; }

    /// <summary>Whether any array keyword is present.</summary>
    public bool HasArrayChecks { get; init; }
}
