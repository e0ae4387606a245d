namespace Switchyard.Gateway.Quality.Schema;

/// <summary>The JSON types a schema's <c>type</c> keyword allows, as a set.</summary>
[Flags]
internal enum SchemaTypes
{
    /// <summary>No type named (only while compiling).</summary>
    None = 0,

    /// <summary><c>null</c>.</summary>
    Null = 1,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean = 2,

    /// <summary>A JSON object.</summary>
    Object = 4,

    /// <summary>A JSON array.</summary>
    Array = 8,

    /// <summary>Any JSON number.</summary>
    Number = 16,

    /// <summary>A JSON number with no fractional part (1.0 counts, as JSON Schema says).</summary>
    Integer = 32,

    /// <summary>A JSON string.</summary>
    String = 64,

    /// <summary>Every type: the schema has no <c>type</c> keyword.</summary>
    Any = Null | Boolean | Object | Array | Number | Integer | String,
}
