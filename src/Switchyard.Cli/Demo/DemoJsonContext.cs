using System.Text.Json.Serialization;

namespace Switchyard.Cli.Demo;

/// <summary>Source-generated JSON metadata for the demo.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
