using System.Globalization;

namespace Clap2Diffusion.LoadTest;

/// <summary>How many <c>serve</c> workers the load test starts itself, and how many LibTorch threads each gets.</summary>
public sealed record WorkerLayout(int Workers, int ThreadsEach)
{
    public const string Syntax = "N or NxT (N workers of T threads each), several separated by commas: 1x2,2x1";

    /// <summary>
    /// One layout per comma-separated item. A bare <c>N</c> shares the machine's cores among the workers unless
    /// <paramref name="threadsEach"/> (<c>--worker-threads</c>) says otherwise.
    /// </summary>
    public static IReadOnlyList<WorkerLayout> ParseList(string text, int? threadsEach, int cores)
    {
        var layouts = new List<WorkerLayout>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('x');
            if (parts.Length > 2 || !TryCount(parts[0], out var workers))
                throw new ArgumentException($"--workers '{item}' is not a layout: {Syntax}; N and T at least 1.");
            int threads;
            if (parts.Length == 2)
            {
                if (!TryCount(parts[1], out threads))
                    throw new ArgumentException($"--workers '{item}' is not a layout: {Syntax}; N and T at least 1.");
            }
            else
            {
                threads = threadsEach ?? Math.Max(1, cores / workers);
            }

            layouts.Add(new WorkerLayout(workers, threads));
        }

        return layouts;
    }

    /// <summary>One worker with every core against two with half each: the same CPU, split or not.</summary>
    public static IReadOnlyList<WorkerLayout> Comparison(int cores) => [new(1, cores), new(2, Math.Max(1, cores / 2))];

    public override string ToString() =>
        $"{Workers} worker{(Workers == 1 ? "" : "s")} x {ThreadsEach} thread{(ThreadsEach == 1 ? "" : "s")}";

    private static bool TryCount(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1;
}
