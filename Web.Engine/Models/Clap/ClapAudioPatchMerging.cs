using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// Halves the grid and doubles the width: each 2×2 block of tokens becomes one token whose channels are the
/// four tokens in the order (0,0), (1,0), (0,1), (1,1) (row, column), then LayerNorm(4C) and a bias-free 4C → 2C.
/// </summary>
public sealed class ClapAudioPatchMerging : nn.Module<Tensor, Tensor>
{
    public readonly Linear reduction;
    public readonly LayerNorm norm;

    private readonly int height;
    private readonly int width;

    public ClapAudioPatchMerging((int Height, int Width) resolution, int dim, Device? device = null) : base(nameof(ClapAudioPatchMerging))
    {
        (height, width) = resolution;
        reduction = nn.Linear(4 * dim, 2 * dim, hasBias: false, device: device);
        norm = nn.LayerNorm(4 * dim, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var (batch, channels) = (hidden.shape[0], hidden.shape[2]);
        // (B, H/2, r, W/2, c, C) → (B, H/2, W/2, c, r, C): flattening (c, r) gives the order x0, x1, x2, x3.
        var merged = hidden.view(batch, height / 2, 2, width / 2, 2, channels)
            .permute(0, 1, 3, 4, 2, 5)
            .reshape(batch, -1, 4 * channels);
        return reduction.forward(norm.forward(merged)).MoveToOuterDisposeScope();
    }
}
