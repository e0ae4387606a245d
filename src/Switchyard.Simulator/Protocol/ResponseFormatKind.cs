namespace Switchyard.Simulator.Protocol;

/// <summary>The request's <c>response_format.type</c>.</summary>
internal enum ResponseFormatKind
{
    Text = 0,
    JsonObject,
    JsonSchema,
}
