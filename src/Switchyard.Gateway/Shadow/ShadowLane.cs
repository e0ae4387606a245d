using System.Threading.Channels;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// One route's shadow queue and workers: at most <c>shadow.queue</c> jobs wait, <c>shadow.max_concurrency</c> run. The
/// queue is bounded with an explicit policy: a job that does not fit is refused at once (<see cref="TryEnqueue"/>), and the
/// caller drops and counts it; nothing on the request path ever waits for room.
/// </summary>
internal sealed class ShadowLane : IAsyncDisposable
{
    private readonly Channel<ShadowJob> _queue;
    private readonly Task[] _workers;
    private readonly Action<ShadowJob> _discard;

    public ShadowLane(string route, ShadowConfig config, Func<ShadowJob, CancellationToken, Task> run, Action<ShadowJob> discard, CancellationToken stopping)
    {
        Route = route;
        Config = config;
        _discard = discard;
        _queue = Channel.CreateBounded<ShadowJob>(new BoundedChannelOptions(config.Queue)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = config.MaxConcurrency == 1,
            SingleWriter = false,
        });
        _workers = new Task[config.MaxConcurrency];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(async () =>
            {
                try
                {
                    while (await _queue.Reader.WaitToReadAsync(stopping))
                    {
                        while (_queue.Reader.TryRead(out var job))
                        {
                            await run(job, stopping);
                        }
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // The gateway is stopping: what is left in the queue is discarded by DisposeAsync.
                }
            });
        }
    }

    public string Route { get; }

    /// <summary>The configuration the lane was made for; a reload that changes it makes a new lane.</summary>
    public ShadowConfig Config { get; }

    /// <summary>Queues <paramref name="job"/> if there is room; never waits.</summary>
    public bool TryEnqueue(ShadowJob job) => _queue.Writer.TryWrite(job);

    /// <summary>No more jobs: the workers finish those queued, then end.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        Complete();
        await Task.WhenAll(_workers);
        while (_queue.Reader.TryRead(out var job))
        {
            _discard(job);
        }
    }
}
