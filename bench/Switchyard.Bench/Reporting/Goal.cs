namespace Switchyard.Bench.Reporting;

/// <summary>One of the performance targets, checked against this run.</summary>
/// <param name="Name">What is measured.</param>
/// <param name="Threshold">The bar, as the issue states it.</param>
/// <param name="Measured">What this run measured.</param>
/// <param name="Met">Null when this run could not tell (a target missing, or its run failed).</param>
/// <param name="Doubt">Why the verdict may not hold (other processes were busy, the reference failed); null when clean.</param>
internal sealed record Goal(string Name, string Threshold, string Measured, bool? Met, string? Doubt)
{
    public string Status => (Met switch
    {
        true => "met",
        false => "NOT MET",
        null => "unknown",
    }) + (Met is not null && Doubt is not null ? $" (doubtful: {Doubt})" : "");
}
