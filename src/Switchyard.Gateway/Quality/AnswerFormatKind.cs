namespace Switchyard.Gateway.Quality;

/// <summary>The <c>response_format.type</c> a client asked for.</summary>
internal enum AnswerFormatKind
{
    /// <summary><c>text</c>, or no response_format.</summary>
    Text,

    /// <summary><c>json_object</c>: the answer must be one JSON object.</summary>
    JsonObject,

    /// <summary><c>json_schema</c>: the answer must be JSON matching the schema.</summary>
    JsonSchema,
}
