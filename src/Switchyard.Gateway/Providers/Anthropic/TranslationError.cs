namespace Switchyard.Gateway.Providers.Anthropic;

/// <summary>Why a request cannot be translated: a 400 that names the parameter and says what to send instead.</summary>
internal readonly record struct TranslationError(string Message, string? Param, string Code = "invalid_value");
