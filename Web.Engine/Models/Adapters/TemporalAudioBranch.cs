using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// The hybrid audio encoder's temporal branch (<c>temporal</c> in the adapter config): CLAP's frame features
/// [B, temporal_dim, T] go through parallel 1-D convolutions, one per time scale (<c>temporal_kernels</c>,
/// <c>temporal_dilations</c>); each scale's GELU output is pooled over time by its mean (what persists: an engine,
/// rain) and its maximum (what happens once: a bark, a bell strike), and <c>proj_out</c> turns all of them into
/// one addition per level to what that level reads of the pooled embedding, [B, 3, clap_dim]. <c>proj_out</c>
/// starts at zero, weights and bias, so an untrained branch adds exactly zero.
/// Decision record: docs/decisions/0025-temporal-branch.md.
/// </summary>
public sealed class TemporalAudioBranch : nn.Module<Tensor, Tensor>
{
    public readonly ModuleList<Conv1d> convs;
    public readonly nn.Module<Tensor, Tensor> proj_out;

    private readonly int clapDim;

    public TemporalAudioBranch(V4AdapterConfig config, Device? device = null) : base(nameof(TemporalAudioBranch))
    {
        clapDim = config.ClapDim;
        var channels = config.TemporalChannelCount;
        convs = new ModuleList<Conv1d>();
        for (var i = 0; i < config.TemporalKernelSizes.Count; i++)
        {
            var (kernel, dilation) = (config.TemporalKernelSizes[i], config.TemporalDilationRates[i]);
            // Odd kernels with this padding keep the frame count, so every scale pools over the same frames.
            convs.Add(OneDnn.Register(() => nn.Conv1d(config.TemporalWidth, channels, kernel, dilation: dilation,
                padding: dilation * (kernel - 1) / 2, device: device)));
        }
        proj_out = nn.Linear(2L * channels * convs.Count, 3L * clapDim, device: device);
        if (device?.type != TorchSharp.DeviceType.META)
        {
            using var noGrad = no_grad();
            foreach (var (_, parameter) in proj_out.named_parameters())
                InPlace.Apply(parameter, p => p.zero_());
        }
        RegisterComponents();
    }

    /// <param name="frames">CLAP's frame features over time, [B, temporal_dim, T] (<see cref="Clap.ClapAudioEncoder.FramesOverTime"/>).</param>
    /// <returns>What each level's view gains, [B, 3, clap_dim] in the order foreground, background, ambience.</returns>
    public override Tensor forward(Tensor frames)
    {
        using var scope = NewDisposeScope();
        var pooled = new List<Tensor>();
        foreach (var conv in convs)
        {
            var scale = nn.functional.gelu(conv.call(frames));
            pooled.Add(scale.mean([-1]));
            pooled.Add(scale.amax([-1]));
        }
        return proj_out.call(cat(pooled, 1)).view(frames.shape[0], 3, clapDim).MoveToOuterDisposeScope();
    }
}
