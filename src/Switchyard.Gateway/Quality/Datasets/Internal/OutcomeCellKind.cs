namespace Switchyard.Gateway.Quality.Datasets.Internal;

/// <summary>What a field of an outcome row holds, once read.</summary>
internal enum OutcomeCellKind
{
    /// <summary>No value: JSON <c>null</c>, an empty CSV field, <c>NaN</c>, <c>None</c>, <c>NA</c>.</summary>
    Null,

    /// <summary>A number, a boolean (1 or 0) or a string that reads as one of those.</summary>
    Number,

    /// <summary>Any other string.</summary>
    Text,

    /// <summary>A JSON object or array.</summary>
    Other,
}
