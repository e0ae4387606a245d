using Switchyard.Storage.Models;

namespace Switchyard.Registry.Workflow;

/// <summary>One step of a path through the base graph: the name as the derivative gives it (a registered base by its id), and its record when registered.</summary>
internal readonly record struct BaseNode(string Name, ModelRecord? Record);
