namespace Switchyard.Bench.Reporting;

/// <summary>One of the performance targets, checked against this run.</summary>
/// <param name="Name">What is measured.</param>
/// <param name="Threshold">The bar, as the issue states it.</param>
/// <param name="Measured">What this run measured.</param>
/// <param name="Met">Null when this run could not tell (a target missing, or its run failed).</param>
internal sealed record Goal(string Name, string Threshold, string Measured, bool? Met)
{
    public string Status => Met switch
    {
        true => "met",
        false => "NOT MET",
        null => "unknown",
    };
}
