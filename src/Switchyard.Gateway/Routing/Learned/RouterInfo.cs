namespace Switchyard.Gateway.Routing.Learned;

/// <summary>Where an <see cref="EscalationRouter"/> came from: written into its file and shown to operators.</summary>
/// <param name="TrainedAt">When training finished, from the trainer's <see cref="TimeProvider"/>.</param>
/// <param name="Examples">How many examples it was trained on.</param>
/// <param name="Positives">How many of them the cheap tier failed.</param>
/// <param name="TrainingAuroc">
/// How well its predictions rank the failed examples above the others, on its own training set (an optimistic figure:
/// evaluate on held-out data with <see cref="RoutingMetrics"/> before trusting it).
/// </param>
/// <param name="Source">Free text naming the data, e.g. the escalation store and the date range; may be empty.</param>
internal sealed record RouterInfo(DateTimeOffset TrainedAt, int Examples, int Positives, double TrainingAuroc, string Source);
