namespace Switchyard.Gateway.Limits;

/// <summary>
/// Where a request's rate limits and budgets are counted: this process (<see cref="MemoryLimitCounters"/>,
/// <c>limits: memory</c>) or a Redis every instance shares (<see cref="RedisLimitCounters"/>, <c>limits: redis</c>). Both
/// decide with the same rules (Auth/KeyRateLimiter, Economics/Budgets/BudgetLedger), so the same requests get the same
/// answers and the same headers; the shared one makes a limit of N hold for the fleet.
/// </summary>
internal interface ILimitCounters : IAsyncDisposable
{
    /// <summary><c>memory</c> or <c>redis</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Counts a request against every limit of <paramref name="ticket"/> at once (all or nothing), writing each one's
    /// decision into its <see cref="RateTicket.Decisions"/>.
    /// </summary>
    ValueTask<RateOutcome> AcquireAsync(RateTicket ticket);

    /// <summary>
    /// As <see cref="AcquireAsync(RateTicket)"/>, for a request that will then reserve <paramref name="budgets"/>: where
    /// asking both at once saves a round trip (Redis), the budgets are reserved too when the rate limits admit the request,
    /// and their answer is kept in <see cref="BudgetTicket.Early"/> for the next <see cref="ReserveAsync"/>, which gives it
    /// without asking again. The rate limits' refusal comes first and leaves the budgets untouched; the budgets' refusal or
    /// wait leaves the rate counted, as asking one after the other does. In memory, only the rate limits are counted here.
    /// </summary>
    ValueTask<RateOutcome> AcquireAsync(RateTicket ticket, BudgetTicket budgets, DateTimeOffset now);

    /// <summary>
    /// Replaces an admitted request's token estimate with the tokens it used, and gives back its places in flight. Never
    /// throws: a settlement that cannot reach Redis is counted, and the places in flight end with their lease.
    /// </summary>
    ValueTask SettleAsync(RateTicket ticket, long usedTokens);

    /// <summary>
    /// Reserves the request's worst case in every budget of <paramref name="ticket"/> at once (all or nothing): admitted,
    /// refused by one, or to wait for requests in flight (then wait on <see cref="BudgetOutcome.Settled"/> and ask again).
    /// </summary>
    ValueTask<BudgetOutcome> ReserveAsync(BudgetTicket ticket, DateTimeOffset now);

    /// <summary>
    /// Replaces an admitted request's reservations with what it cost; <paramref name="crossed"/> hears of each budget that
    /// has just passed its warning share or its limit (once a window, whichever instance passed it). Never throws.
    /// </summary>
    ValueTask SettleAsync(BudgetTicket ticket, double actual, DateTimeOffset now, Action<Economics.Budgets.BudgetLedger, Economics.Budgets.BudgetCrossing> crossed);

    /// <summary>
    /// Settles what a request was counted in (either ticket may be <see langword="null"/>) as the two other
    /// <c>SettleAsync</c> do; with both counted in Redis, in one call. Never throws.
    /// </summary>
    ValueTask SettleAsync(RateTicket? rate, long usedTokens, BudgetTicket? budgets, double actual, DateTimeOffset now, Action<Economics.Budgets.BudgetLedger, Economics.Budgets.BudgetCrossing> crossed);
}
