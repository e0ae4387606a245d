namespace Switchyard.Bench.Fleet;

/// <summary>What the <c>fleet</c> mode measures, and where its servers are.</summary>
internal sealed record FleetBenchOptions
{
    /// <summary>Measured time per side at each load (split into two halves, run A B B A).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Load at many connections before measuring, per side.</summary>
    public required TimeSpan Warmup { get; init; }

    /// <summary>wrk's connections for the throughput run (the latency run uses one).</summary>
    public required int Connections { get; init; }

    /// <summary>The PostgreSQL server's connection string (the bench works in a schema of its own).</summary>
    public required string Postgres { get; init; }

    /// <summary>The Redis server (host:port or redis://...; the bench works under a key prefix of its own).</summary>
    public required string Redis { get; init; }

    /// <summary>The built <c>switchyard</c> executable.</summary>
    public required string SwitchyardPath { get; init; }
}
