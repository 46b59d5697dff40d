using System.Diagnostics;
using System.Text.RegularExpressions;
using Clap2Diffusion.Engine.Models.Unets;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// Where a UNet forward pass spends its time, by block type: one pass with an activation observer that stamps
/// the clock at every reported path, so each path owns the time since the previous one. FLOPs per type come
/// from <see cref="UNetFlopCounter"/> under the same paths, giving GFLOP/s per type.
/// </summary>
public static partial class UNetProfile
{
    public sealed record Part(string Category, double Ms, long Flops)
    {
        public double Gflops => Ms > 0 ? Flops / (Ms / 1000) / 1e9 : 0;
    }

    public static IReadOnlyList<Part> Run(UNet2DConditionModel unet, Tensor sample, Tensor timestep, Tensor context,
        IReadOnlyList<FlopEntry> flops)
    {
        var stamps = new List<(string Path, long Ticks)>();
        using (var scope = NewDisposeScope())
        {
            var clock = Stopwatch.StartNew();
            unet.forward(sample, timestep, context, new UNetHooks { Observer = (path, _) => stamps.Add((path, clock.ElapsedTicks)) });
        }

        var time = new Dictionary<string, double>();
        long previous = 0;
        foreach (var (path, ticks) in stamps)
        {
            var category = Categorize(path);
            time[category] = time.GetValueOrDefault(category) + (ticks - previous) * 1000.0 / Stopwatch.Frequency;
            previous = ticks;
        }
        var work = flops.GroupBy(e => Categorize(e.Path)).ToDictionary(g => g.Key, g => g.Sum(e => e.Flops));
        return time.Select(kv => new Part(kv.Key, kv.Value, work.GetValueOrDefault(kv.Key)))
            .OrderByDescending(p => p.Ms).ToList();
    }

    /// <summary>The block type an observed path belongs to.</summary>
    public static string Categorize(string path) => path switch
    {
        _ when path.EndsWith(".attn1", StringComparison.Ordinal) => "self_attention",
        _ when path.EndsWith(".attn2", StringComparison.Ordinal) => "cross_attention",
        _ when path.EndsWith(".ff", StringComparison.Ordinal) => "feed_forward",
        _ when path.EndsWith(".proj_in", StringComparison.Ordinal) => "transformer_in",
        _ when AttentionOutput().IsMatch(path) => "transformer_out",
        _ when ResnetOutput().IsMatch(path) => "resnet",
        _ when path.Contains("samplers.", StringComparison.Ordinal) => "sampler",
        "time_proj" or "time_embedding" => "time_embedding",
        "conv_in" or "conv_norm_out" or "conv_out" => "conv_in_out",
        _ => "other",
    };

    [GeneratedRegex(@"\.attentions\.\d+$")]
    private static partial Regex AttentionOutput();

    [GeneratedRegex(@"\.resnets\.\d+$")]
    private static partial Regex ResnetOutput();
}
