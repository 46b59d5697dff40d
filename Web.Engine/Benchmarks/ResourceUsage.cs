using System.Runtime.InteropServices;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// The kernel's counters for this process or this thread (<c>getrusage</c>): CPU time in user and system mode
/// and minor page faults. System time is where a process pays for handing memory back and faulting it in again.
/// </summary>
public readonly record struct ResourceUsage(double UserSeconds, double SystemSeconds, long MinorFaults)
{
    private const int RusageSelf = 0;
    private const int RusageThread = 1;

    public static bool Available => OperatingSystem.IsLinux();

    /// <summary>The whole process, all threads.</summary>
    public static ResourceUsage Process() => Read(RusageSelf);

    /// <summary>The calling thread only.</summary>
    public static ResourceUsage Thread() => Read(RusageThread);

    public static ResourceUsage operator +(ResourceUsage a, ResourceUsage b) =>
        new(a.UserSeconds + b.UserSeconds, a.SystemSeconds + b.SystemSeconds, a.MinorFaults + b.MinorFaults);

    public static ResourceUsage operator -(ResourceUsage after, ResourceUsage before) =>
        new(after.UserSeconds - before.UserSeconds, after.SystemSeconds - before.SystemSeconds, after.MinorFaults - before.MinorFaults);

    /// <summary>System time as a share (%) of all CPU time; 0 when no time passed.</summary>
    public double SystemShare => UserSeconds + SystemSeconds > 0 ? 100 * SystemSeconds / (UserSeconds + SystemSeconds) : 0;

    private static ResourceUsage Read(int who)
    {
        if (!Available)
            return default;
        if (GetRusage(who, out var usage) != 0)
            throw new InvalidOperationException($"getrusage failed (errno {Marshal.GetLastPInvokeError()})");
        return new(usage.UserSeconds + usage.UserMicroseconds / 1e6, usage.SystemSeconds + usage.SystemMicroseconds / 1e6, usage.MinorFaults);
    }

    /// <summary>The head of Linux's <c>struct rusage</c> on 64-bit targets: two timevals, then 14 longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss;
        public long SharedText;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntarySwitches;
        public long InvoluntarySwitches;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, out Rusage usage);
}
