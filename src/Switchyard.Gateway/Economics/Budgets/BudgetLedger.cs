using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Economics.Budgets;

/// <summary>
/// One budget's account for its current window: what settled requests spent, and the worst-case estimates of those in
/// flight. A hard budget admits a request only while spent + in flight + its estimate fits the limit; when only the
/// requests in flight stand in the way, the newcomer waits for them to settle rather than being refused for money that
/// may never be spent. So concurrent clients are stopped at the same request a single client would be. Amounts are
/// nano-dollars in <see langword="long"/>s, under a lock held for a few instructions.
/// </summary>
internal sealed class BudgetLedger
{
    private const double NanosPerDollar = 1e9;

    private readonly Lock _lock = new();
    private long _spent;
    private long _inFlight;
    private DateTimeOffset _windowEnd;
    private bool _warned;
    private bool _exceeded;
    private long _warnings;
    private long _exceedances;
    private long _refusals;
    private TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BudgetLedger(BudgetConfig config, DateTimeOffset now)
    {
        Config = config;
        (WindowStart, _windowEnd) = Window(config.Period, now);
    }

    /// <summary>The budget as configured (swapped on a reload that keeps its name, route and period).</summary>
    public BudgetConfig Config { get; set; }

    /// <summary>When the current window began.</summary>
    public DateTimeOffset WindowStart { get; private set; }

    /// <summary>When the current window ends and the budget resets.</summary>
    public DateTimeOffset ResetsAt
    {
        get
        {
            lock (_lock)
            {
                return _windowEnd;
            }
        }
    }

    /// <summary>Dollars spent in the current window by settled requests.</summary>
    public double Spent
    {
        get
        {
            lock (_lock)
            {
                return _spent / NanosPerDollar;
            }
        }
    }

    /// <summary>
    /// Adds what the request log says was spent in the window before this process started. A share already passed then
    /// was announced by the process that passed it: it is not announced again.
    /// </summary>
    public void Seed(double dollars)
    {
        lock (_lock)
        {
            _spent += ToNanos(dollars);
            _warned |= _spent >= ToNanos(Config.Limit * Config.WarnAt);
            _exceeded |= _spent >= ToNanos(Config.Limit);
        }
    }

    /// <summary>
    /// Reserves <paramref name="estimate"/> dollars for a request. <see cref="Admission.Admitted"/>: it fits (or the
    /// budget is soft); <see cref="Admission.Wait"/>: it fits only once requests in flight settle (wait on
    /// <paramref name="settled"/> and ask again); <see cref="Admission.Refused"/>: it does not fit.
    /// </summary>
    public Admission TryReserve(double estimate, DateTimeOffset now, out Task settled) => TryReserve(estimate, now, out settled, out _);

    /// <summary>
    /// As <see cref="TryReserve(double, DateTimeOffset, out Task)"/>, and says in <paramref name="window"/> which window
    /// the reservation was made in, to settle it against.
    /// </summary>
    public Admission TryReserve(double estimate, DateTimeOffset now, out Task settled, out DateTimeOffset window)
    {
        var nanos = ToNanos(estimate);
        lock (_lock)
        {
            Roll(now);
            settled = _settled.Task;
            window = WindowStart;
            var limit = ToNanos(Config.Limit);
            if (Config.Mode == BudgetMode.Hard && _spent + _inFlight + nanos > limit)
            {
                if (_inFlight > 0 && _spent + nanos <= limit)
                {
                    return Admission.Wait;
                }

                _refusals++;
                return Admission.Refused;
            }

            _inFlight += nanos;
            return Admission.Admitted;
        }
    }

    /// <summary>
    /// Replaces a reservation of <paramref name="estimate"/> with what the request really cost. Returns the shares the
    /// budget has just passed (each once a window): its warning share, its limit.
    /// </summary>
    public BudgetCrossing Settle(double estimate, double actual, DateTimeOffset now) => Settle(estimate, actual, WindowStart, now);

    /// <summary>
    /// As <see cref="Settle(double, double, DateTimeOffset)"/> for a reservation made in <paramref name="window"/>: one
    /// from a window since rolled over was dropped with it, so only the real cost is added.
    /// </summary>
    public BudgetCrossing Settle(double estimate, double actual, DateTimeOffset window, DateTimeOffset now)
    {
        TaskCompletionSource settled;
        var crossed = BudgetCrossing.None;
        lock (_lock)
        {
            Roll(now);
            if (window == WindowStart)
            {
                _inFlight = Math.Max(0, _inFlight - ToNanos(estimate));
            }

            _spent += ToNanos(actual);
            if (!_warned && _spent >= ToNanos(Config.Limit * Config.WarnAt))
            {
                _warned = true;
                _warnings++;
                crossed |= BudgetCrossing.Warning;
            }

            if (!_exceeded && _spent >= ToNanos(Config.Limit))
            {
                _exceeded = true;
                _exceedances++;
                crossed |= BudgetCrossing.Exceeded;
            }

            settled = _settled;
            _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        settled.TrySetResult();
        return crossed;
    }

    /// <summary>The budget's state at <paramref name="now"/> (its window rolled over first if it has ended), for operators.</summary>
    public BudgetState State(DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(now);
            var limit = ToNanos(Config.Limit);
            var status = _spent >= limit ? BudgetStatus.Exceeded : _spent >= ToNanos(Config.Limit * Config.WarnAt) ? BudgetStatus.Warning : BudgetStatus.Ok;
            return new BudgetState(Config, WindowStart, _windowEnd, _spent / NanosPerDollar, _inFlight / NanosPerDollar, status, _warnings, _exceedances, _refusals);
        }
    }

    /// <summary>The share of the limit spent and reserved, for the warning header.</summary>
    public double Used
    {
        get
        {
            lock (_lock)
            {
                return Config.Limit <= 0 ? 1 : (_spent + _inFlight) / NanosPerDollar / Config.Limit;
            }
        }
    }

    /// <summary>
    /// Takes in where the shared account of <paramref name="window"/> stands (<c>limits: redis</c>: what every instance
    /// spent and reserved), so that this process's state, warning header and gauges show the fleet's figures.
    /// </summary>
    public void Mirror(long spentNanos, long inFlightNanos, DateTimeOffset window, DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(now);
            if (window == WindowStart)
            {
                _spent = Math.Max(0, spentNanos);
                _inFlight = Math.Max(0, inFlightNanos);
            }
        }
    }

    /// <summary>Counts a refusal decided by the shared account.</summary>
    public void CountRefusal()
    {
        lock (_lock)
        {
            _refusals++;
        }
    }

    /// <summary>Counts the shares the shared account says this instance's settlement has just passed.</summary>
    public void CountCrossing(BudgetCrossing crossed)
    {
        lock (_lock)
        {
            _warned |= (crossed & BudgetCrossing.Warning) != 0;
            _exceeded |= (crossed & BudgetCrossing.Exceeded) != 0;
            _warnings += (crossed & BudgetCrossing.Warning) != 0 ? 1 : 0;
            _exceedances += (crossed & BudgetCrossing.Exceeded) != 0 ? 1 : 0;
        }
    }

    /// <summary>Wakes the requests waiting for one in flight to settle (another instance settled one).</summary>
    public void Wake()
    {
        TaskCompletionSource settled;
        lock (_lock)
        {
            settled = _settled;
            _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        settled.TrySetResult();
    }

    /// <summary>The task that completes at the next settlement, from now.</summary>
    public Task NextSettlement
    {
        get
        {
            lock (_lock)
            {
                return _settled.Task;
            }
        }
    }

    /// <summary>Dollars in the nano-dollars the ledgers (and the shared accounts) count in.</summary>
    public static long ToNanos(double dollars) => (long)Math.Round(Math.Max(0, dollars) * NanosPerDollar);

    /// <summary>The window <paramref name="now"/> falls in.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Window(BudgetPeriod period, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var start = period == BudgetPeriod.Day
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, period == BudgetPeriod.Day ? start.AddDays(1) : start.AddMonths(1));
    }

    private void Roll(DateTimeOffset now)
    {
        if (now < _windowEnd)
        {
            return;
        }

        (WindowStart, _windowEnd) = Window(Config.Period, now);
        _spent = 0;
        _inFlight = 0;
        _warned = false;
        _exceeded = false;
    }
}

/// <summary>A budget's answer to a reservation.</summary>
internal enum Admission
{
    Admitted,
    Wait,
    Refused,
}
