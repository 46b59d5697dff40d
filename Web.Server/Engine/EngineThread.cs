using System.Collections.Concurrent;
using Clap2Diffusion.Engine.Runtime;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The one thread that touches the engine. Torch work is thread-affine (dispose scopes, no-grad state), and
/// a circuit's or the thread pool's threads must never block on a denoising loop, so every backend call is
/// handed to this thread and awaited from outside.
/// </summary>
public sealed class EngineThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    public EngineThread(IOptions<EngineModelOptions> options, ILogger<EngineThread> logger)
    {
        // Before the thread starts: glibc gives a thread its arena at its first allocation, and LibTorch reads its
        // huge-page switch at its first tensor.
        using var problems = new StringWriter();
        var mode = MemoryAllocator.Apply(options.Value.Allocator, problems);
        if (problems.ToString().Trim() is { Length: > 0 } problem)
            logger.LogWarning("{Problem}", problem);
        logger.LogInformation("Engine memory allocator: {Mode} (asked for {Setting})", mode, options.Value.Allocator);
        // After the allocator, since its self-check makes the process's first tensors.
        using var disagreements = new StringWriter();
        var oneDnn = OneDnn.Apply(options.Value.OneDnn, disagreements);
        if (disagreements.ToString().Trim() is { Length: > 0 } disagreement)
            logger.LogWarning("{Problem}", disagreement);
        logger.LogInformation("Engine oneDNN convolutions: {State} (asked for {Setting})", oneDnn, options.Value.OneDnn);
        _thread = new Thread(Loop) { Name = "c2d-engine", IsBackground = true };
        _thread.Start();
    }

    public Task<T> RunAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                completion.SetResult(work());
            }
            catch (Exception exception)
            {
                completion.SetException(exception);
            }
        });
        return completion.Task;
    }

    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    /// <summary>
    /// The tensors this thread has made and not yet freed, counted by TorchSharp per thread and so read on the
    /// thread itself, after the work queued before it. Between jobs it stays at its baseline: a job that leaves a
    /// tensor to the .NET finaliser raises it for good (docs/decisions/0010-tensor-lifetimes.md).
    /// </summary>
    public Task<long> LiveTensorCountAsync() => RunAsync(() => DisposeScopeManager.Statistics.ThreadTotalLiveCount);

    private void Loop()
    {
        foreach (var item in _work.GetConsumingEnumerable())
            item();
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(30));
        _work.Dispose();
    }
}
