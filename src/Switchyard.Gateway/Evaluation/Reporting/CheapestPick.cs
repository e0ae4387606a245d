namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>
/// For one use case (or all of them): the cheapest model whose pass rate's lower 95% bound (Wilson) reaches the quality
/// asked for, or, when none does, the model that comes closest.
/// </summary>
/// <param name="UseCase">The use case, or <see cref="EvalReport.AllUseCases"/>.</param>
/// <param name="Model">The cheapest model that qualifies, or <see langword="null"/> when none does.</param>
/// <param name="CostPer1000">Its cost per 1,000 cases.</param>
/// <param name="LowerBound">Its pass rate's lower bound (or, when none qualifies, the best lower bound of any model).</param>
/// <param name="Note">Why, in words: the qualifying models, or how far the best fell short.</param>
internal sealed record CheapestPick(string UseCase, string? Model, decimal? CostPer1000, double LowerBound, string Note);
