using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>One HTSAT stage: its Swin blocks (even ones plain, odd ones shifted), then patch merging except at the last stage.</summary>
public sealed class ClapAudioStage : nn.Module<Tensor, (Tensor Output, Tensor BeforeDownsample)>
{
    public readonly ModuleList<ClapAudioLayer> blocks;
    public readonly ClapAudioPatchMerging? downsample;

    public ClapAudioStage(ClapAudioConfig config, int stage, Device? device = null) : base(nameof(ClapAudioStage))
    {
        var dim = config.StageWidth(stage);
        var resolution = config.StageResolution(stage);
        blocks = new ModuleList<ClapAudioLayer>(Enumerable.Range(0, config.Depths[stage])
            .Select(i => new ClapAudioLayer(config, dim, resolution, config.NumAttentionHeads[stage],
                shiftSize: i % 2 == 0 ? 0 : config.WindowSize / 2, device))
            .ToArray());
        downsample = stage < config.StageCount - 1 ? new ClapAudioPatchMerging(resolution, dim, device) : null;
        RegisterComponents();
    }

    /// <returns>The stage output and, for inspection, the tokens before patch merging (the same tensor at the last stage).</returns>
    public override (Tensor Output, Tensor BeforeDownsample) forward(Tensor hidden)
    {
        var current = hidden;
        foreach (var block in blocks)
        {
            var next = block.forward(current);
            if (!ReferenceEquals(current, hidden))
                current.Dispose();
            current = next;
        }
        if (downsample is null)
            return (current, current);
        return (downsample.forward(current), current);
    }
}
