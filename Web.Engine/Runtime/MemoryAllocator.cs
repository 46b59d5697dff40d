using System.Runtime.InteropServices;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// Tunes glibc's malloc, through which LibTorch allocates every CPU tensor, so that large activations stay in
/// the process between calls instead of going back to the kernel and page-faulting in again on the next call
/// (docs/decisions/0012-in-process-allocator-tuning.md). The settings are process-wide and one-way: once tuned,
/// asking for <c>default</c> later does not undo them, and <see cref="Current"/> keeps saying <c>tuned</c>.
/// </summary>
public static class MemoryAllocator
{
    public const string Tuned = "tuned";
    public const string Default = "default";
    public const string Unavailable = "unavailable";

    /// <summary>The values a user may ask for (<c>Engine:Allocator</c>, <c>--allocator</c>).</summary>
    public static readonly IReadOnlyList<string> Settings = [Tuned, Default];

    /// <summary>
    /// Blocks up to 1 GiB come from the heap rather than from a private mapping each (glibc's threshold otherwise
    /// adapts only up to 32 MiB, and every SD 1.5 activation above it was mapped and unmapped per call).
    /// </summary>
    public const int MmapThresholdBytes = 1 << 30;

    /// <summary>Free memory at the top of the heap is handed back only beyond 1 GiB.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    /// <summary>Each time the heap grows, 512 MiB more than asked for, so the next large block needs no system call.</summary>
    public const int TopPadBytes = 512 << 20;

    /// <summary>
    /// One arena: threads created after tuning (the server's engine thread, LibTorch's workers) share the main
    /// heap. A thread's own arena grows in heaps of at most 64 MiB, so any larger block there is mapped and
    /// unmapped each time whatever the threshold says.
    /// </summary>
    public const int ArenaMax = 1;

    /// <summary>
    /// LibTorch's switch (read once, at its first CPU allocation) to align blocks of 2 MiB and more to 2 MiB and
    /// ask the kernel for transparent huge pages there: a block that still comes fresh from the kernel (a thread's
    /// own arena maps every block above 64 MiB) then faults in 2 MiB at a time, not 4 KiB, and glibc 2.36's
    /// aligned allocation stops stepping past a freed block of the same size onto untouched pages.
    /// </summary>
    public const string HugePagesVariable = "THP_MEM_ALLOC_ENABLE";

    // mallopt parameter numbers from glibc's malloc.h.
    private const int MTrimThreshold = -1;
    private const int MTopPad = -2;
    private const int MMmapThreshold = -3;
    private const int MArenaMax = -8;

    private static readonly Lock Gate = new();
    private static string? _current;

    /// <summary>The mode in force: <c>tuned</c>, <c>default</c> or <c>unavailable</c> (no glibc); <c>default</c> before any call to <see cref="Apply"/>.</summary>
    public static string Current
    {
        get
        {
            lock (Gate)
                return _current ?? Default;
        }
    }

    /// <summary>glibc's version where this process runs on glibc, else null.</summary>
    public static string? GlibcVersion { get; } = ReadGlibcVersion();

    public static void Validate(string setting)
    {
        if (!Settings.Contains(setting))
            throw new InputException($"allocator '{setting}' is not one of {string.Join(", ", Settings)}.");
    }

    /// <summary>
    /// Applies <paramref name="setting"/> (<c>tuned</c> or <c>default</c>) and returns the mode now in force. Where
    /// tuning cannot apply (no glibc, or glibc refused a value) it writes one line to <paramref name="log"/> and the
    /// process keeps its allocator as it is.
    /// </summary>
    /// <remarks>Call it before the first tensor: LibTorch reads <see cref="HugePagesVariable"/> once, and threads
    /// that already allocated keep their arena.</remarks>
    public static string Apply(string setting, TextWriter log)
    {
        Validate(setting);
        lock (Gate)
        {
            if (_current == Tuned || setting == Default)
                return _current ??= Default;
            if (GlibcVersion is null)
            {
                if (_current != Unavailable)
                    log.WriteLine("allocator: tuning needs glibc (Linux); this process keeps its allocator as it is.");
                return _current = Unavailable;
            }
            var refused = new List<string>();
            foreach (var (name, parameter, value) in new[]
            {
                ("M_MMAP_THRESHOLD", MMmapThreshold, MmapThresholdBytes),
                ("M_TRIM_THRESHOLD", MTrimThreshold, TrimThresholdBytes),
                ("M_TOP_PAD", MTopPad, TopPadBytes),
                ("M_ARENA_MAX", MArenaMax, ArenaMax),
            })
            {
                if (Mallopt(parameter, value) != 1)
                    refused.Add(name);
            }
            if (SetEnv(HugePagesVariable, "1", 1) != 0)
                refused.Add(HugePagesVariable);
            if (refused.Count > 0)
            {
                log.WriteLine($"allocator: glibc {GlibcVersion} refused {string.Join(", ", refused)}; the allocator is only partly tuned.");
                return _current = Unavailable;
            }
            return _current = Tuned;
        }
    }

    private static string? ReadGlibcVersion()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(GnuGetLibcVersion());
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuGetLibcVersion();

    /// <summary>The C library's environment, which LibTorch reads (.NET's own setter changes only its managed copy).</summary>
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}
