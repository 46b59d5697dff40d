using System.Runtime.CompilerServices;

namespace Clap2Diffusion.Tests.Infrastructure;

internal static class TorchTestSetup
{
    /// <summary>
    /// Test classes run in parallel on a small machine; one LibTorch thread each keeps them from
    /// oversubscribing the cores. Collections that build SD 1.5-size models raise it for themselves.
    /// </summary>
    [ModuleInitializer]
    internal static void OneTorchThreadPerTest() => TorchSharp.torch.set_num_threads(1);

    /// <summary>
    /// Engine tests hold thread-pool threads for seconds of synchronous LibTorch work while the web tests'
    /// in-process servers need pool threads for their SignalR circuits. The pool adds threads slowly once it is
    /// starved, and on two cores a Blazor click once waited more than 30 s for one; a higher floor avoids that.
    /// </summary>
    [ModuleInitializer]
    internal static void RoomForServersBesideEngineWork()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(completionPorts, 32));
    }
}
