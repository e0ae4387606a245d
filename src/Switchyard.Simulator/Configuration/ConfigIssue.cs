namespace Switchyard.Simulator.Configuration;

/// <summary>One problem in the simulator's options: the key as written in YAML (<c>models[0].tokens_per_second</c>) and what is wrong.</summary>
internal readonly record struct ConfigIssue(string Key, string Message);
