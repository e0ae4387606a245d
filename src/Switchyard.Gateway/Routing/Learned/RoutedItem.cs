namespace Switchyard.Gateway.Routing.Learned;

/// <summary>One evaluation item for <see cref="RoutingMetrics"/>: a router's score and both models' quality on it.</summary>
/// <param name="Score">The router's predicted need for the strong model; higher is more likely routed to strong.</param>
/// <param name="WeakQuality">The weak (cheap) model's quality on the item, e.g. the quality gate's score or 0/1.</param>
/// <param name="StrongQuality">The strong (frontier) model's quality on the item, on the same scale.</param>
internal readonly record struct RoutedItem(double Score, double WeakQuality, double StrongQuality);
