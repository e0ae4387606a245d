using System.Text.Json;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// What every object (or chunk) of one response repeats: its id, creation time, model name and fingerprint, and whether
/// chunks carry <c>"usage": null</c> (they do when <c>stream_options.include_usage</c> is set, as OpenAI's do).
/// </summary>
internal readonly record struct ResponseIdentity(JsonEncodedText Id, long Created, JsonEncodedText Model, JsonEncodedText Fingerprint, bool UsageInChunks);
