using System.Text.Json.Serialization;

namespace Switchyard.Storage.Internal;

/// <summary>Source-generated JSON for the few JSON columns the stores write (a key's metadata).</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
