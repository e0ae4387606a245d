using System.Collections.Immutable;

namespace Switchyard.Gateway.Routing;

/// <summary>A route as the request path sees it: its name and its deployments in failover order.</summary>
internal sealed class Route
{
    public Route(string name, ImmutableArray<Deployment> deployments)
    {
        Name = name;
        Deployments = deployments;
        foreach (var deployment in deployments)
        {
            MaxEncodedModelLength = Math.Max(MaxEncodedModelLength, deployment.EncodedModel.Length);
        }
    }

    public string Name { get; }

    public ImmutableArray<Deployment> Deployments { get; }

    /// <summary>The longest upstream model name of its deployments, encoded: sizes the buffer a forwarded body is spliced into.</summary>
    public int MaxEncodedModelLength { get; }
}
