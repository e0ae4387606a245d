namespace Switchyard.Gateway.Limits.Internal;

/// <summary>
/// The Lua scripts of <see cref="RedisLimitCounters"/>. Each runs atomically in Redis: a request is checked against all its
/// limits (or budgets) and counted in all of them, or in none, in one round trip. StackExchange.Redis sends each by its
/// SHA (EVALSHA) and falls back to EVAL when the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).
/// </summary>
/// <remarks>
/// The rules are <see cref="Auth.KeyRateLimiter"/>'s and <see cref="Economics.Budgets.BudgetLedger"/>'s, in the same order:
/// change one, change the other (the behaviour tests run against both). Amounts are written with HINCRBY from the
/// caller's integer strings, never from Lua numbers, which Lua would format as 1e+14 past 14 digits (a $100,000 budget
/// in nano-dollars). Keys of several limits meet in one script: Redis Cluster is not supported (one server, or a primary
/// with replicas).
/// </remarks>
internal static class LimitScripts
{
    /// <summary>
    /// Rate limits. KEYS: per limit, its window hash (<c>r</c> requests, <c>t</c> tokens) and its in-flight set (request
    /// ids scored by their lease's end). ARGV: now (ms), estimate, request id, lease end (ms), lease (ms), window TTL (s),
    /// then per limit rpm, tpm, concurrency (-1: none). Returns {refused (1-based, 0: none), reason (1 too_large,
    /// 2 concurrency, 3 requests, 4 tokens), then per limit requests, tokens}: after counting when admitted, before otherwise.
    /// </summary>
    public const string Acquire = AcquireFunction + "return acquire(KEYS, ARGV)";

    /// <summary>
    /// Rate limits, then budgets when the rate limits admit the request: <see cref="Acquire"/> and <see cref="Reserve"/> in
    /// one round trip. KEYS: <see cref="Acquire"/>'s, then <see cref="Reserve"/>'s. ARGV: the number of Acquire's keys and
    /// of its arguments, Acquire's arguments, then Reserve's. Returns {Acquire's answer} when a rate limit refuses (no budget
    /// is touched), else {Acquire's answer, Reserve's answer}: the budgets' refusal or wait leaves the rate counted, as two
    /// calls one after the other would.
    /// </summary>
    public const string AcquireReserve = AcquireFunction + ReserveFunction + Split + """
        local rate = acquire(rk, ra)
        if rate[1] ~= 0 then return {rate} end
        return {rate, reserve(bk, ba)}
        """;

    /// <summary>
    /// The start of a script that runs two others' functions: KEYS and ARGV split into the first's (<c>rk</c>, <c>ra</c>)
    /// and the second's (<c>bk</c>, <c>ba</c>), by the counts in ARGV[1] and ARGV[2].
    /// </summary>
    private const string Split = """
        local nk, na = tonumber(ARGV[1]), tonumber(ARGV[2])
        local rk, ra, bk, ba = {}, {}, {}, {}
        for i = 1, #KEYS do if i <= nk then rk[i] = KEYS[i] else bk[i - nk] = KEYS[i] end end
        for i = 3, #ARGV do if i <= na + 2 then ra[i - 2] = ARGV[i] else ba[i - 2 - na] = ARGV[i] end end

        """;

    private const string AcquireFunction = """
        local function acquire(KEYS, ARGV)
        local now, est, id, deadline, lease, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
        local n = #KEYS / 2
        local out = {0, 0}
        for i = 1, n do
          local w, f = KEYS[2 * i - 1], KEYS[2 * i]
          local rpm, tpm, cap = tonumber(ARGV[4 + 3 * i]), tonumber(ARGV[5 + 3 * i]), tonumber(ARGV[6 + 3 * i])
          redis.call('ZREMRANGEBYSCORE', f, '-inf', now)
          local r = tonumber(redis.call('HGET', w, 'r') or '0')
          local t = tonumber(redis.call('HGET', w, 't') or '0')
          out[1 + 2 * i], out[2 + 2 * i] = r, t
          if out[1] == 0 then
            if tpm >= 0 and est > tpm then out[1], out[2] = i, 1
            elseif cap >= 0 and redis.call('ZCARD', f) >= cap then out[1], out[2] = i, 2
            elseif rpm >= 0 and r >= rpm then out[1], out[2] = i, 3
            elseif tpm >= 0 and t + est > tpm then out[1], out[2] = i, 4
            end
          end
        end
        if out[1] == 0 then
          for i = 1, n do
            local w, f = KEYS[2 * i - 1], KEYS[2 * i]
            out[1 + 2 * i] = redis.call('HINCRBY', w, 'r', 1)
            out[2 + 2 * i] = redis.call('HINCRBY', w, 't', ARGV[2])
            redis.call('EXPIRE', w, ttl)
            redis.call('ZADD', f, deadline, id)
            redis.call('PEXPIRE', f, lease)
          end
        end
        return out
        end

        """;

    /// <summary>
    /// Settles a request's rate limits. KEYS: per limit, the window hash it was counted in and its in-flight set. ARGV:
    /// request id, estimate, tokens used. The window's tokens become estimate − used lower (never below zero); a window
    /// that has expired is left alone, as the in-memory limiter does.
    /// </summary>
    public const string Settle = SettleFunction + "return settle(KEYS, ARGV)";

    /// <summary>
    /// <see cref="Settle"/> and <see cref="SettleBudgets"/> in one call, for a request counted in both. KEYS: Settle's, then
    /// SettleBudgets'. ARGV: the number of Settle's keys and of its arguments, Settle's arguments, then SettleBudgets'.
    /// Returns SettleBudgets' answer.
    /// </summary>
    public const string SettleBoth = SettleFunction + SettleBudgetsFunction + Split + """
        settle(rk, ra)
        return settle_budgets(bk, ba)
        """;

    private const string SettleFunction = """
        local function settle(KEYS, ARGV)
        local id, est, used = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
        for i = 1, #KEYS / 2 do
          local w, f = KEYS[2 * i - 1], KEYS[2 * i]
          redis.call('ZREM', f, id)
          if redis.call('EXISTS', w) == 1 then
            local t = tonumber(redis.call('HGET', w, 't') or '0')
            redis.call('HSET', w, 't', math.max(0, t - est + used))
          end
        end
        return 1
        end

        """;

    /// <summary>
    /// Budgets. KEYS: per budget, its window's account (hash: <c>s</c> spent and <c>f</c> in flight in nano-dollars,
    /// <c>l:ID</c> each reservation, <c>z</c> seeded, <c>w</c>/<c>x</c> warning share and limit passed) and its leases
    /// (request ids scored by their lease's end). ARGV: now (ms), estimate (nano-dollars), request id, lease end (ms), lease
    /// (ms), then per budget its limit, warning share (nano-dollars), 1 if hard, the seed (nano-dollars; -1 when not
    /// known) and the account's TTL (s). Returns {3, indexes...} when an account is new and no seed was given (seed it from
    /// the request log and ask again); otherwise {status (0 admitted, 1 wait, 2 refused), budget (1-based), then per
    /// budget spent, in flight}. Reservations of an instance that died are dropped when their lease ends.
    /// </summary>
    public const string Reserve = ReserveFunction + "return reserve(KEYS, ARGV)";

    private const string ReserveFunction = """
        local function reserve(KEYS, ARGV)
        local now, est, id, deadline, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
        local n = #KEYS / 2
        local unseeded = {3}
        for i = 1, n do
          local b = KEYS[2 * i - 1]
          if redis.call('HEXISTS', b, 'z') == 0 then
            local limit, warn, seed, ttl = tonumber(ARGV[1 + 5 * i]), tonumber(ARGV[2 + 5 * i]), tonumber(ARGV[4 + 5 * i]), tonumber(ARGV[5 + 5 * i])
            if seed < 0 then
              unseeded[#unseeded + 1] = i
            else
              local s = tonumber(redis.call('HGET', b, 's') or '0')
              if seed > s then s = seed; redis.call('HSET', b, 's', ARGV[4 + 5 * i]) end
              redis.call('HSET', b, 'z', 1)
              if s >= warn then redis.call('HSET', b, 'w', 1) end
              if s >= limit then redis.call('HSET', b, 'x', 1) end
              redis.call('EXPIRE', b, ttl)
            end
          end
        end
        if #unseeded > 1 then return unseeded end
        local out = {0, 0}
        for i = 1, n do
          local b, l = KEYS[2 * i - 1], KEYS[2 * i]
          local limit, hard = tonumber(ARGV[1 + 5 * i]), ARGV[3 + 5 * i] == '1'
          local expired = redis.call('ZRANGEBYSCORE', l, '-inf', now)
          for _, m in ipairs(expired) do
            local amount = redis.call('HGET', b, 'l:' .. m)
            if amount then
              redis.call('HDEL', b, 'l:' .. m)
              if redis.call('HINCRBY', b, 'f', '-' .. amount) < 0 then redis.call('HSET', b, 'f', 0) end
            end
          end
          if #expired > 0 then redis.call('ZREMRANGEBYSCORE', l, '-inf', now) end
          local s = tonumber(redis.call('HGET', b, 's') or '0')
          local f = tonumber(redis.call('HGET', b, 'f') or '0')
          out[1 + 2 * i], out[2 + 2 * i] = s, f
          if out[1] == 0 and hard and s + f + est > limit then
            if f > 0 and s + est <= limit then out[1], out[2] = 1, i else out[1], out[2] = 2, i end
          end
        end
        if out[1] == 0 then
          for i = 1, n do
            local b, l = KEYS[2 * i - 1], KEYS[2 * i]
            out[2 + 2 * i] = redis.call('HINCRBY', b, 'f', ARGV[2])
            redis.call('HSET', b, 'l:' .. id, ARGV[2])
            redis.call('ZADD', l, deadline, id)
            redis.call('PEXPIRE', l, lease)
          end
        end
        return out
        end

        """;

    /// <summary>
    /// Settles a request's budgets. KEYS: per budget, the account it reserved in, that account's leases, and the account
    /// of the current window (the same unless the window rolled over meanwhile: then the reservation went with the old
    /// window, and only the cost is added to the new one). ARGV: request id, cost (nano-dollars), the channel to publish
    /// on, then per budget its limit, warning share (nano-dollars) and the account's TTL (s). Returns per budget spent,
    /// in flight, and the shares passed by this settlement (1 warning, 2 limit: each once a window, fleet-wide).
    /// </summary>
    public const string SettleBudgets = SettleBudgetsFunction + "return settle_budgets(KEYS, ARGV)";

    private const string SettleBudgetsFunction = """
        local function settle_budgets(KEYS, ARGV)
        local id, channel = ARGV[1], ARGV[3]
        local out = {}
        for i = 1, #KEYS / 3 do
          local rb, rl, cb = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
          local limit, warn, ttl = tonumber(ARGV[1 + 3 * i]), tonumber(ARGV[2 + 3 * i]), tonumber(ARGV[3 + 3 * i])
          local amount = redis.call('HGET', rb, 'l:' .. id)
          if amount then
            redis.call('HDEL', rb, 'l:' .. id)
            redis.call('ZREM', rl, id)
            if redis.call('HINCRBY', rb, 'f', '-' .. amount) < 0 then redis.call('HSET', rb, 'f', 0) end
          end
          local s = redis.call('HINCRBY', cb, 's', ARGV[2])
          if redis.call('TTL', cb) < 0 then redis.call('EXPIRE', cb, ttl) end
          local crossed = 0
          if s >= warn and redis.call('HSETNX', cb, 'w', 1) == 1 then crossed = crossed + 1 end
          if s >= limit and redis.call('HSETNX', cb, 'x', 1) == 1 then crossed = crossed + 2 end
          out[3 * i - 2], out[3 * i - 1], out[3 * i] = s, tonumber(redis.call('HGET', cb, 'f') or '0'), crossed
        end
        redis.call('PUBLISH', channel, '1')
        return out
        end

        """;
}
