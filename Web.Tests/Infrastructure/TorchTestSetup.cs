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
}
