namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// The names a request's series are kept under: route, tier and deployment as the configuration declares them, and the
/// team (only for costs; <see cref="MetricLabels.None"/> elsewhere). Compared by value: a lookup allocates nothing.
/// </summary>
internal readonly record struct SeriesKey(string Route, string Tier, string Deployment, string Team) : IComparable<SeriesKey>
{
    public int CompareTo(SeriesKey other)
    {
        var order = string.CompareOrdinal(Route, other.Route);
        order = order != 0 ? order : string.CompareOrdinal(Tier, other.Tier);
        order = order != 0 ? order : string.CompareOrdinal(Deployment, other.Deployment);
        return order != 0 ? order : string.CompareOrdinal(Team, other.Team);
    }
}
