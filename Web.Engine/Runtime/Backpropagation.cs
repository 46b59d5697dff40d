using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// The one way the engine differentiates a loss. LibTorch 2.10's oneDNN convolution backward returned wrong input
/// gradients on this project's CPUs (off by half, or NaN in the first pass of a process) for outputs of 3, 4 or 8
/// channels, SD 1.5's last convolution among them. LibTorch picks the convolution backend again when the backward
/// runs, so unless <see cref="OneDnn"/> verified oneDNN on this machine the backward runs with it switched off and
/// gets the im2col kernels, which agree with float64 (docs/decisions/0017-onednn-convolutions.md).
/// </summary>
public static class Backpropagation
{
    private static readonly Lock Gate = new();
    private static int _running;
    private static bool _enabledBefore;

    /// <summary>Computes the gradients of <paramref name="loss"/> into the leaves' <c>grad</c>, as <c>loss.backward()</c>.</summary>
    public static void Run(Tensor loss)
    {
        if (OneDnn.Verified)
        {
            loss.backward();
            return;
        }
        using var _ = WithoutOneDnnConvolutions();
        loss.backward();
    }

    /// <summary>
    /// Switches oneDNN's convolutions off until disposed. Counted, because the switch is one per process: a
    /// backward that ends on one thread must not switch it back on under another thread's backward.
    /// </summary>
    public static IDisposable WithoutOneDnnConvolutions()
    {
        lock (Gate)
        {
            if (_running++ == 0)
            {
                _enabledBefore = LibTorchContext.OneDnnEnabled;
                LibTorchContext.OneDnnEnabled = false;
            }
        }
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            lock (Gate)
            {
                if (_disposed)
                    return;
                _disposed = true;
                if (--_running == 0)
                    LibTorchContext.OneDnnEnabled = _enabledBefore;
            }
        }
    }
}
