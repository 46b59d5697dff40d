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
    /// The tests run the engine as users get it: with the tuned allocator, which also spares the test host the
    /// page faults of every large tensor. Set before any test makes a tensor (LibTorch reads its huge-page switch
    /// once); the pool threads that already exist keep their glibc arenas, which the huge pages still cover.
    /// </summary>
    /// <remarks>
    /// oneDNN's convolutions as the engine decides at start-up: its self-check switches them off where they are
    /// wrong, as on this project's machines for the tiny test models' channel counts (decision record 0017). After
    /// the allocator, whose huge-page switch LibTorch reads at the first tensor, which the self-check makes.
    /// The tiny test models' 24-channel convolutions switch oneDNN off for the process when the first one is built
    /// (where it is trusted for aligned counts only). One is built here, before any test runs, so that no test sees
    /// the backend change in its middle: a test comparing two results of the same computation (FID from the run
    /// against FID from the saved images) once differed by 6e-6 when the switch fell between them.
    /// </remarks>
    [ModuleInitializer]
    internal static void TunedAllocatorAndCheckedOneDnn()
    {
        Clap2Diffusion.Engine.Runtime.MemoryAllocator.Apply(Clap2Diffusion.Engine.Runtime.MemoryAllocator.Tuned, Console.Error);
        Clap2Diffusion.Engine.Runtime.OneDnn.Apply(Clap2Diffusion.Engine.Runtime.OneDnn.Auto, Console.Error);
        using (Clap2Diffusion.Engine.Runtime.OneDnn.Register(() => TorchSharp.torch.nn.Conv2d(24, 16, 3))) { }
    }

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
