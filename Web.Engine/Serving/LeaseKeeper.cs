namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// While a job runs on the engine thread, this loop on another thread renews the job's stream entry every third of
/// the lease (so a long job keeps it) and polls the job's skip flag; a skip, or a lease another worker took, cancels
/// the job within a step.
/// </summary>
public sealed class LeaseKeeper : IAsyncDisposable
{
    private static readonly TimeSpan SkipPoll = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaseKeeper(WorkerStream stream, StreamEntry entry, TimeSpan lease, CancellationTokenSource job, TextWriter log)
    {
        _loop = Task.Run(() => KeepAsync(stream, entry, lease / 3, job, log));
    }

    public bool SkipRequested { get; private set; }

    public bool LeaseLost { get; private set; }

    private async Task KeepAsync(WorkerStream stream, StreamEntry entry, TimeSpan renewEvery, CancellationTokenSource job, TextWriter log)
    {
        var nextRenewal = DateTime.UtcNow + renewEvery;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (await stream.SkipRequestedAsync(entry.Job))
                {
                    SkipRequested = true;
                    await job.CancelAsync();
                    return;
                }

                if (DateTime.UtcNow >= nextRenewal)
                {
                    if (!await stream.RenewAsync(entry))
                    {
                        LeaseLost = true;
                        log.WriteLine($"serve: job {entry.Job:N}: another worker took its entry (this one stalled past the lease); stopping it");
                        await job.CancelAsync();
                        return;
                    }

                    nextRenewal = DateTime.UtcNow + renewEvery;
                }
            }
            catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
            {
                // Redis is away: the job goes on, and the front end sees from the heartbeats that this worker runs it.
                log.WriteLine($"serve: job {entry.Job:N}: Redis unreachable while keeping the lease ({exception.Message})");
            }

            try
            {
                await Task.Delay(SkipPoll, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
