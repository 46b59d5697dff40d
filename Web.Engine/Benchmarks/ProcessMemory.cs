namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// Resident memory of this process from Linux's <c>/proc/self/status</c>: VmRSS now and VmHWM, the peak since
/// start or since <see cref="ResetPeak"/>. LibTorch allocates natively, so these (not the .NET heap) show what
/// tensors cost.
/// </summary>
public static class ProcessMemory
{
    public static bool Available => File.Exists("/proc/self/status");

    /// <summary>Restarts VmHWM at the current RSS (writes 5 to /proc/self/clear_refs); false where that is not possible.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static long? RssBytes => Read("VmRSS:");

    public static long? PeakRssBytes => Read("VmHWM:");

    private static long? Read(string field)
    {
        if (!Available)
            return null;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && long.TryParse(parts[1], out var kilobytes) ? kilobytes * 1024 : null;
    }
}
