using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// <c>bench --compare-allocator</c>: the same sections in two child processes one after the other, first with
/// the allocator as the system ships it, then tuned, so that both run on the same machine under nearly the
/// same load, and each figure side by side with the ratio. Children, not one process, because the tuning is
/// process-wide and cannot be undone.
/// </summary>
public static class AllocatorComparison
{
    /// <summary>One figure of both runs: <c>unet.call_ms</c>, its unit and the two values (null where a run lacks it).</summary>
    public sealed record Row(string Name, string Unit, double? Default, double? Tuned)
    {
        public double? Ratio => Default is { } before && Tuned is { } after && before != 0 ? after / before : null;

        /// <summary>For a time, how many times faster the tuned run was (default / tuned).</summary>
        public double? SpeedUp => Unit is "ms" or "s" && !Name.Contains(".process.", StringComparison.Ordinal) && Ratio is > 0 ? 1 / Ratio : null;
    }

    /// <summary>Runs <paramref name="benchArguments"/> (a <c>bench ... --json</c> line without <c>--allocator</c>) in two children.</summary>
    /// <param name="engineCommand">How to start this engine: the program and the arguments that come before the verb.</param>
    public static (JsonDocument Default, JsonDocument Tuned) Run(IReadOnlyList<string> engineCommand, IReadOnlyList<string> benchArguments, TextWriter log)
    {
        var reports = new List<JsonDocument>();
        foreach (var setting in new[] { MemoryAllocator.Default, MemoryAllocator.Tuned })
        {
            log.WriteLine($"compare-allocator: starting the {setting} run");
            reports.Add(RunChild(engineCommand, [.. benchArguments, "--allocator", setting], log));
        }
        return (reports[0], reports[1]);
    }

    /// <summary>The command that starts this very engine again: its apphost, or <c>dotnet</c> and its assembly.</summary>
    public static IReadOnlyList<string> ThisEngine()
    {
        var program = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        var assembly = typeof(AllocatorComparison).Assembly.Location;
        return Path.GetFileNameWithoutExtension(program) == "dotnet" ? [program, assembly] : [program];
    }

    public static IReadOnlyList<Row> Rows(JsonDocument defaultRun, JsonDocument tunedRun)
    {
        var before = Figures(defaultRun);
        var after = Figures(tunedRun);
        return before.Keys.Concat(after.Keys.Where(k => !before.ContainsKey(k)))
            .Select(name => new Row(name, (before.TryGetValue(name, out var b) ? b : after[name]).Unit,
                before.TryGetValue(name, out var x) ? x.Value : null, after.TryGetValue(name, out var y) ? y.Value : null))
            .ToList();
    }

    public static void Print(TextWriter output, JsonDocument defaultRun, JsonDocument tunedRun)
    {
        foreach (var (label, run) in new[] { ("default", defaultRun), ("tuned", tunedRun) })
        {
            var environment = run.RootElement.GetProperty("environment");
            output.WriteLine($"# {label} run: allocator {environment.GetProperty("allocator").GetString()}, " +
                $"{environment.GetProperty("torch_threads").GetInt32()} torch threads, {environment.GetProperty("thread").GetString()} thread, " +
                $"median of {environment.GetProperty("repeats").GetInt32()} after {environment.GetProperty("warmup").GetInt32()} warm-up");
        }
        output.WriteLine($"{"figure",-44} {"default",12} {"tuned",12} {"tuned/default",14}  unit");
        foreach (var row in Rows(defaultRun, tunedRun))
        {
            var speedUp = row.SpeedUp is { } x ? $"  ({x:0.00}x faster)" : "";
            output.WriteLine($"{row.Name,-44} {Format(row.Default),12} {Format(row.Tuned),12} {Format(row.Ratio),14}  {row.Unit}{speedUp}".TrimEnd());
        }
    }

    private static string Format(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private static Dictionary<string, (double Value, string Unit)> Figures(JsonDocument run)
    {
        var figures = new Dictionary<string, (double, string)>();
        foreach (var section in run.RootElement.GetProperty("sections").EnumerateArray())
        {
            var sectionName = section.GetProperty("name").GetString();
            foreach (var figure in section.GetProperty("figures").EnumerateArray())
                figures[$"{sectionName}.{figure.GetProperty("name").GetString()}"] =
                    (figure.GetProperty("value").GetDouble(), figure.GetProperty("unit").GetString() ?? "");
        }
        return figures;
    }

    private static JsonDocument RunChild(IReadOnlyList<string> engineCommand, IReadOnlyList<string> arguments, TextWriter log)
    {
        var start = new ProcessStartInfo(engineCommand[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in engineCommand.Skip(1).Concat(arguments))
            start.ArgumentList.Add(argument);
        // LibTorch's huge-page switch is part of the tuning; a value inherited from this process would blur the default run.
        start.Environment.Remove(MemoryAllocator.HugePagesVariable);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {engineCommand[0]}");
        child.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
                lock (log)
                    log.WriteLine($"  {line.Data}");
        };
        child.BeginErrorReadLine();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"the bench child ({string.Join(' ', arguments)}) exited with {child.ExitCode}");
        return JsonDocument.Parse(output);
    }
}
