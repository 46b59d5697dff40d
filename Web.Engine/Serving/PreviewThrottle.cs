using System.Diagnostics;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>At most one preview per interval, and always the last step's.</summary>
public sealed class PreviewThrottle(TimeSpan interval)
{
    private readonly Stopwatch _sinceLast = new();

    public bool Due(bool last)
    {
        if (_sinceLast.IsRunning && _sinceLast.Elapsed < interval && !last)
            return false;
        _sinceLast.Restart();
        return true;
    }
}
