using System.Threading.Channels;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// Sends a running job's steps to the front end off the engine thread. Lossy by design: when the front end is slower
/// than the steps, the oldest unsent steps are dropped (a step with a preview is never worth blocking a step for).
/// </summary>
public sealed class ProgressSender : IAsyncDisposable
{
    private readonly Channel<(Guid Job, WorkerProgress Progress)> _steps =
        Channel.CreateBounded<(Guid, WorkerProgress)>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Task _loop;

    public ProgressSender(FrontEndClient client, TextWriter log)
    {
        _loop = Task.Run(async () =>
        {
            await foreach (var (job, progress) in _steps.Reader.ReadAllAsync())
            {
                try
                {
                    await client.ProgressAsync(job, progress, CancellationToken.None);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    log.WriteLine($"serve: job {job:N}: a progress report was lost ({exception.Message})");
                }
            }
        });
    }

    public void Send(Guid job, WorkerProgress progress) => _steps.Writer.TryWrite((job, progress));

    public async ValueTask DisposeAsync()
    {
        _steps.Writer.TryComplete();
        await _loop;
    }
}
