using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics.Budgets;
using Switchyard.Gateway.Internal;
using Switchyard.Gateway.Limits;

namespace Switchyard.Bench.Limits;

/// <summary>
/// <c>limits</c> mode: what counting one request's limits costs, in this process (<c>limits: memory</c>) against Redis
/// (<c>limits: redis</c>), in one run: a key and its team (requests, tokens and concurrency) acquired and settled, then
/// a budget reserved and settled, as the forwarder does for every limited request. Microseconds per request, one
/// request at a time (the latency a request sees) and 64 at once (what the server sustains). Redis is the real server
/// at <c>--redis</c> (scripts/test.sh's, or any other), on its own key prefix.
/// </summary>
internal static class LimitsBench
{
    public static async Task<int> RunAsync(string redisAddress, int requests, TextWriter output)
    {
        if (RedisEndpoint.TryParse(redisAddress, out var endpoint) is { } problem)
        {
            output.WriteLine($"--redis '{redisAddress}' {problem}.");
            return 2;
        }

        var config = new LimitsConfig { Kind = LimitsKind.Redis, Redis = endpoint, Prefix = "bench-" + Guid.NewGuid().ToString("N")[..8] + ":", Timeout = TimeSpan.FromSeconds(2) };
        await using var connection = (StackExchange.Redis.ConnectionMultiplexer)await RedisConnector.ConnectAsync(endpoint!, config.Timeout);
        if (!connection.IsConnected)
        {
            output.WriteLine($"Redis at {endpoint} does not answer: start one (scripts/test.sh does) and give its address with --redis.");
            return 2;
        }

        var book = new BudgetBook();
        var budget = new BudgetLedger(new BudgetConfig { Name = "bench", Limit = 1e9 }, DateTimeOffset.UtcNow);
        var memory = new MemoryLimitCounters(new KeyRateLimiter(TimeProvider.System));
        await using var redis = new RedisLimitCounters(connection, config, memory, book, TimeProvider.System, TimeProvider.System, NullLogger.Instance);
        output.WriteLine($"Counting one request's limits (key + team: acquire and settle; one budget: reserve and settle), {requests:N0} requests per pass, Redis {connection.GetServers()[0].Version} at {endpoint}, Release={BuildInfo.IsRelease}.");
        output.WriteLine();
        output.WriteLine("| counters | requests at once | µs/request | ratio to memory |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var parallel in new[] { 1, 64 })
        {
            var inMemory = await MeasureAsync(memory, budget, requests, parallel);
            var inRedis = await MeasureAsync(redis, budget, Math.Max(1, requests / 10), parallel);
            output.WriteLine($"| memory | {parallel} | {inMemory:0.00} | 1.00 |");
            output.WriteLine($"| redis | {parallel} | {inRedis:0.00} | {inRedis / inMemory:0} |");
        }

        return 0;
    }

    private static async Task<double> MeasureAsync(ILimitCounters counters, BudgetLedger budget, int requests, int parallel)
    {
        static void Ignore(BudgetLedger ledger, BudgetCrossing crossing)
        {
        }

        async Task OneAsync(int i)
        {
            var ticket = new RateTicket([new("bench-key", 1_000_000_000, 2_000_000_000, 1000), new("team:bench", 1_000_000_000, null, 1000)], 100, "r" + i);
            var outcome = await counters.AcquireAsync(ticket);
            var budgets = new BudgetTicket([budget], 0.0001, ticket.RequestId);
            var reserved = await counters.ReserveAsync(budgets, DateTimeOffset.UtcNow);
            if (outcome.Refused >= 0 || reserved.Admission != Admission.Admitted)
            {
                throw new InvalidOperationException("the bench's limits refused a request: they are set far above what it sends");
            }

            await counters.SettleAsync(ticket, 50);
            await counters.SettleAsync(budgets, 0.00005, DateTimeOffset.UtcNow, Ignore);
        }

        // Warm up (scripts loaded, connection hot), then time the pass.
        for (var i = 0; i < 200; i++)
        {
            await OneAsync(i);
        }

        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= requests)
            {
                await OneAsync(i);
            }
        }));
        return watch.Elapsed.TotalMicroseconds / requests;
    }
}
