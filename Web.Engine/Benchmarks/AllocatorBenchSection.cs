using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// <c>allocator</c>: whether freed tensor memory stays in the process. Fills a 256 MiB tensor, frees it, fills a
/// second one of the same size and counts the process's minor page faults during that second fill: near zero
/// when the allocator kept the memory, about one per 4 KiB page (65,536) when it went back to the kernel. Measured
/// on the calling thread and on a thread started afterwards, as the server's engine thread is.
/// </summary>
public sealed class AllocatorBenchSection : IBenchSection
{
    public const long TensorBytes = 256L << 20;

    public string Name => "allocator";

    public string Description => "page faults of a 256 MiB tensor filled after one of the same size was freed";

    public IReadOnlyList<BenchFigure> Run(BenchOptions options, TextWriter log)
    {
        var figures = new List<BenchFigure>();
        log.WriteLine($"allocator: mode {MemoryAllocator.Current}; refilling {TensorBytes >> 20} MiB on this thread, then on a new one");
        figures.AddRange(Refill("this_thread", options));
        IReadOnlyList<BenchFigure> fromNewThread = [];
        var thread = new Thread(() => fromNewThread = Refill("new_thread", options)) { Name = "c2d-allocator-bench" };
        thread.Start();
        thread.Join();
        figures.AddRange(fromNewThread);
        return figures;
    }

    /// <summary>The median over repeats of the faults and time of the second fill.</summary>
    private static IReadOnlyList<BenchFigure> Refill(string where, BenchOptions options)
    {
        using var _ = no_grad();
        var faults = new List<long>();
        var milliseconds = new List<double>();
        for (var i = 0; i < options.Warmup + options.Repeats; i++)
        {
            ones(TensorBytes / sizeof(float)).Dispose();
            var before = ResourceUsage.Process();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using (var second = ones(TensorBytes / sizeof(float)))
            {
                clock.Stop();
                var spent = ResourceUsage.Process() - before;
                if (i < options.Warmup)
                    continue;
                faults.Add(spent.MinorFaults);
                milliseconds.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        faults.Sort();
        milliseconds.Sort();
        return
        [
            new($"{where}.refill_minor_faults", faults[faults.Count / 2], "faults", $"median of {faults.Count}; {TensorBytes / 4096} would mean every 4 KiB page"),
            new($"{where}.refill_ms", milliseconds[milliseconds.Count / 2], "ms", "allocate and fill the second tensor"),
        ];
    }
}
