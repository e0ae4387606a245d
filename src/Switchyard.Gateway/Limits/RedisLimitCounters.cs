using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics.Budgets;
using Switchyard.Gateway.Internal;
using Switchyard.Gateway.Limits.Internal;

namespace Switchyard.Gateway.Limits;

/// <summary>
/// Rate limits and budgets counted in a Redis that every gateway instance shares (<c>limits: redis</c>): one script per
/// request checks and counts all its limits atomically (one round trip), another settles them after it, so a limit of N
/// a minute is N for the fleet.
/// </summary>
/// <remarks>
/// <code>
/// request ─► Acquire script (rate: key + team) ─► … ─► Reserve script (budgets) ─► upstream ─► Settle, SettleBudgets (pipelined)
///         └► AcquireReserve script (both, one round trip; the budgets' answer kept for their turn) ─► … ─► SettleBoth
///              │ Redis unreachable or slower than limits.timeout
///              ├─ on_failure: open   ─► MemoryLimitCounters of this process (x-switchyard-limits: degraded)
///              └─ on_failure: closed ─► 503 limits_unavailable (x-switchyard-limits: degraded)
/// </code>
/// Keys: <c>{prefix}rate:{id}:{minute}</c> (a clock minute's requests and tokens, expiring two minutes later),
/// <c>{prefix}rate:{id}:inflight</c> (requests in flight, each with a lease), <c>{prefix}budget:{scope}:{window}</c> (a
/// budget window's account, expiring a day after the window) and its <c>:leases</c>. A request's places in flight and
/// reservations end with their lease (<see cref="Lease"/>) if its instance dies before settling them. After a failure,
/// Redis is asked again at most once per <see cref="RetryAfter"/> (until then requests are decided without it at once),
/// so a hung server costs one timeout a second, not one per request.
/// </remarks>
internal sealed partial class RedisLimitCounters : ILimitCounters
{
    /// <summary>How long a request's place in flight or budget reservation outlives an instance that died holding it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    /// <summary>How long after a failed call requests are decided without Redis before it is asked again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>How often a request waiting for budgets in flight asks again when no settlement is announced.</summary>
    private static readonly TimeSpan BudgetPoll = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer _redis;
    private readonly LimitsConfig _config;
    private readonly BudgetBook _book;
    private readonly TimeProvider _time;
    private readonly TimeProvider _network;
    private readonly ILogger _logger;
    private readonly RedisChannel _settledChannel;
    private readonly string _prefix;
    private long _retryAt;

    /// <param name="redis">The connection (shared with the cache).</param>
    /// <param name="config">The <c>limits:</c> section.</param>
    /// <param name="local">This process's counters: the fallback while Redis is unreachable with <c>on_failure: open</c>.</param>
    /// <param name="book">The budgets' ledgers (their configuration, and the request-log seeder of fresh accounts).</param>
    /// <param name="time">The gateway's clock: windows, leases.</param>
    /// <param name="network">Real time for timeouts and retries (tests move <paramref name="time"/> by hand).</param>
    /// <param name="logger">Where failures and budget events are logged.</param>
    public RedisLimitCounters(IConnectionMultiplexer redis, LimitsConfig config, MemoryLimitCounters local, BudgetBook book, TimeProvider time, TimeProvider network, ILogger logger)
    {
        _redis = redis;
        _config = config;
        _book = book;
        _time = time;
        _network = network;
        _logger = logger;
        _prefix = config.Prefix;
        Local = local;
        Health = new RedisHealth("limits", config.Redis?.ToString() ?? "redis", logger);
        _settledChannel = RedisChannel.Literal(_prefix + "budget-settled");
        // Another instance settled a budget: requests here waiting on budgets in flight ask again at once.
        _ = SubscribeAsync();
    }

    public string Kind => "redis";

    /// <summary>Whether Redis answers, and how often it did not.</summary>
    public RedisHealth Health { get; }

    /// <summary>This process's counters, used while Redis is unreachable with <c>on_failure: open</c>.</summary>
    public MemoryLimitCounters Local { get; }

    public async ValueTask<RateOutcome> AcquireAsync(RateTicket ticket)
    {
        if (SkipRedis())
        {
            return RateFallback(ticket, null);
        }

        var now = _time.GetUtcNow();
        var (keys, args, start) = AcquireCall(ticket, now);
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await CallAsync(LimitScripts.Acquire, keys, args).ConfigureAwait(false))!;
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            return RateFallback(ticket, e);
        }

        return RateDecided(ticket, result, now, start);
    }

    /// <remarks>
    /// PERF: one round trip where there were two before the upstream call (docs/decisions/0023): the rate limits and, when
    /// they admit the request, its budgets in one script. The budgets' answer is the one <see cref="ReserveAsync"/> would
    /// have given a moment later, kept in <see cref="BudgetTicket.Early"/> until it asks.
    /// </remarks>
    public async ValueTask<RateOutcome> AcquireAsync(RateTicket ticket, BudgetTicket budgets, DateTimeOffset now)
    {
        if (SkipRedis())
        {
            return RateFallback(ticket, null);
        }

        var rateNow = _time.GetUtcNow();
        var (rateKeys, rateArgs, start) = AcquireCall(ticket, rateNow);
        var (budgetKeys, budgetArgs) = ReserveCall(budgets, now);
        var (keys, args) = Joined(rateKeys, rateArgs, budgetKeys, budgetArgs);
        var waiting = _anySettled.Task;
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await CallAsync(LimitScripts.AcquireReserve, keys, args).ConfigureAwait(false))!;
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            return RateFallback(ticket, e);
        }

        var outcome = RateDecided(ticket, (RedisResult[])result[0]!, rateNow, start);
        if (outcome.Refused < 0)
        {
            try
            {
                budgets.Early = await BudgetsDecidedAsync(budgets, budgetKeys, budgetArgs, (RedisResult[])result[1]!, waiting, now).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                // Seeding a fresh account failed: nothing is reserved, and ReserveAsync asks Redis again (and falls back
                // as it says) at the budgets' turn.
                Health.Failed(e, request: false);
            }
        }

        return outcome;
    }

    /// <summary>The keys and arguments of a script that runs two others' functions (<see cref="LimitScripts"/>' Split).</summary>
    private static (RedisKey[] Keys, RedisValue[] Args) Joined(RedisKey[] firstKeys, RedisValue[] firstArgs, RedisKey[] secondKeys, RedisValue[] secondArgs)
    {
        var keys = new RedisKey[firstKeys.Length + secondKeys.Length];
        firstKeys.CopyTo(keys, 0);
        secondKeys.CopyTo(keys, firstKeys.Length);
        var args = new RedisValue[2 + firstArgs.Length + secondArgs.Length];
        args[0] = firstKeys.Length;
        args[1] = firstArgs.Length;
        firstArgs.CopyTo(args, 2);
        secondArgs.CopyTo(args, 2 + firstArgs.Length);
        return (keys, args);
    }

    /// <summary>The keys and arguments of <see cref="LimitScripts.Acquire"/> for <paramref name="ticket"/>, and the clock minute it counts in.</summary>
    private (RedisKey[] Keys, RedisValue[] Args, long Start) AcquireCall(RateTicket ticket, DateTimeOffset now)
    {
        var limits = ticket.Limits;
        var start = now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute);
        var keys = new RedisKey[limits.Length * 2];
        var args = new RedisValue[6 + (limits.Length * 3)];
        args[0] = now.ToUnixTimeMilliseconds();
        args[1] = ticket.Estimate;
        args[2] = ticket.RequestId;
        args[3] = (now + Lease).ToUnixTimeMilliseconds();
        args[4] = (long)Lease.TotalMilliseconds;
        args[5] = 120;
        for (var i = 0; i < limits.Length; i++)
        {
            (keys[2 * i], keys[(2 * i) + 1]) = RateKeys(limits[i].Id, start);
            args[6 + (3 * i)] = limits[i].Rpm ?? -1;
            args[7 + (3 * i)] = limits[i].Tpm ?? -1;
            args[8 + (3 * i)] = limits[i].MaxConcurrency ?? -1;
        }

        return (keys, args, start);
    }

    /// <summary>Writes <see cref="LimitScripts.Acquire"/>'s answer into <paramref name="ticket"/>'s decisions.</summary>
    private static RateOutcome RateDecided(RateTicket ticket, RedisResult[] result, DateTimeOffset now, long start)
    {
        var limits = ticket.Limits;
        var refused = (int)result[0] - 1;
        var reason = (int)result[1];
        var reset = TimeSpan.FromTicks(start + TimeSpan.TicksPerMinute - now.UtcTicks);
        for (var i = 0; i < limits.Length && (refused < 0 || i <= refused); i++)
        {
            var (rpm, tpm) = (limits[i].Rpm, limits[i].Tpm);
            var requests = (long)result[2 + (2 * i)];
            var tokens = (long)result[3 + (2 * i)];
            int? remainingRequests = rpm is { } r ? (int)(r - requests) : null;
            long? remainingTokens = tpm is { } t ? Math.Max(0, t - tokens) : null;
            ticket.Decisions[i] = i != refused
                ? new KeyRateLimiter.Decision(true, null, remainingRequests, remainingTokens, reset, start)
                : reason switch
                {
                    1 => new KeyRateLimiter.Decision(false, "too_large", remainingRequests, remainingTokens, reset, start),
                    2 => new KeyRateLimiter.Decision(false, "concurrency", remainingRequests, remainingTokens, TimeSpan.FromSeconds(1), start),
                    3 => new KeyRateLimiter.Decision(false, "requests", 0, remainingTokens, reset, start),
                    _ => new KeyRateLimiter.Decision(false, "tokens", remainingRequests, remainingTokens, reset, start),
                };
        }

        return new RateOutcome(refused);
    }

    public async ValueTask SettleAsync(RateTicket ticket, long usedTokens)
    {
        if (ticket.Local)
        {
            Local.Settle(ticket, usedTokens);
            return;
        }

        var (keys, args) = SettleCall(ticket, usedTokens);
        try
        {
            await CallAsync(LimitScripts.Settle, keys, args).ConfigureAwait(false);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            // The window keeps the estimate, and the place in flight ends with its lease.
            Health.Failed(e, request: false);
        }
    }

    /// <summary>The keys and arguments of <see cref="LimitScripts.Settle"/> for <paramref name="ticket"/>.</summary>
    private (RedisKey[] Keys, RedisValue[] Args) SettleCall(RateTicket ticket, long usedTokens)
    {
        var keys = new RedisKey[ticket.Limits.Length * 2];
        for (var i = 0; i < ticket.Limits.Length; i++)
        {
            (keys[2 * i], keys[(2 * i) + 1]) = RateKeys(ticket.Limits[i].Id, ticket.Decisions[i].WindowStart);
        }

        return (keys, [ticket.RequestId, ticket.Estimate, usedTokens]);
    }

    private RateOutcome RateFallback(RateTicket ticket, Exception? error)
    {
        Failed(error);
        return _config.OnFailure == LimitsFailurePolicy.Closed ? RateOutcome.Closed : Local.Acquire(ticket) with { Degraded = true };
    }

    private (RedisKey Window, RedisKey InFlight) RateKeys(string id, long windowStart)
    {
        var minute = (windowStart / TimeSpan.TicksPerMinute).ToString(CultureInfo.InvariantCulture);
        return (_prefix + "rate:" + id + ":" + minute, _prefix + "rate:" + id + ":inflight");
    }

    /// <summary>Whether Redis failed less than <see cref="RetryAfter"/> ago: decide without it, at once.</summary>
    private bool SkipRedis()
    {
        if (Health.Up)
        {
            return false;
        }

        var retryAt = Interlocked.Read(ref _retryAt);
        var now = _network.GetTimestamp();
        // One request at a time probes Redis again; the others go on without it.
        return now < retryAt || Interlocked.CompareExchange(ref _retryAt, now + (long)(RetryAfter.TotalSeconds * _network.TimestampFrequency), retryAt) != retryAt;
    }

    private void Failed(Exception? error)
    {
        if (error is null)
        {
            Health.DecidedWithout();
            return;
        }

        Interlocked.Exchange(ref _retryAt, _network.GetTimestamp() + (long)(RetryAfter.TotalSeconds * _network.TimestampFrequency));
        Health.Failed(error, request: true);
    }

    /// <summary>One script call, bounded by <c>limits.timeout</c> (the client's AsyncTimeout, checked every 200 ms).</summary>
    private async Task<RedisResult> CallAsync(string script, RedisKey[] keys, RedisValue[] args)
    {
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(script, keys, args).ConfigureAwait(false);
        Health.Succeeded();
        return result;
    }

    private static bool IsRedisFailure(Exception e) => e is RedisException or TimeoutException or RedisTimeoutException or ObjectDisposedException;

    private async Task SubscribeAsync()
    {
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_settledChannel, (_, _) => WakeAll()).ConfigureAwait(false);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            // Redis is down at startup: waiting requests poll instead (BudgetPoll) until a restart subscribes again.
            Health.Failed(e, request: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The host disposes this after the last request ended, and requests await their settlements: none is left.
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_settledChannel).ConfigureAwait(false);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            // Going away: Redis drops the subscription with the connection.
        }
    }
}
