using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// Sinusoidal timestep embedding (DDPM, diffusers' <c>get_timestep_embedding</c>), always in float32:
/// freq_j = exp(-ln(10000)·j / (half - shift)); [sin(t·freq), cos(t·freq)], swapped to cos-first when
/// flip_sin_to_cos; a zero column appended for odd widths. No parameters.
/// </summary>
public sealed class Timesteps : nn.Module<Tensor, Tensor>
{
    private const double MaxPeriod = 10000;

    private readonly long num_channels;
    private readonly bool flip_sin_to_cos;
    private readonly double downscale_freq_shift;

    public Timesteps(long num_channels, bool flip_sin_to_cos, double downscale_freq_shift) : base(nameof(Timesteps))
    {
        this.num_channels = num_channels;
        this.flip_sin_to_cos = flip_sin_to_cos;
        this.downscale_freq_shift = downscale_freq_shift;
    }

    /// <param name="timesteps">1-D, one (possibly fractional) timestep per batch element.</param>
    public override Tensor forward(Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var half_dim = num_channels / 2;
        // Same float32 operation order as diffusers, so the embedding matches it bit for bit.
        using var end = half_dim.ToScalar();
        var exponent = Scalars.Times(-Math.Log(MaxPeriod), arange(Scalars.Zero, end, dtype: ScalarType.Float32, device: timesteps.device));
        exponent = Scalars.DividedBy(exponent, half_dim - downscale_freq_shift);
        var frequencies = exp(exponent);
        var emb = timesteps.unsqueeze(1).to_type(ScalarType.Float32) * frequencies.unsqueeze(0);
        emb = cat([sin(emb), cos(emb)], dim: -1);
        if (flip_sin_to_cos)
            emb = cat([emb.narrow(1, half_dim, half_dim), emb.narrow(1, 0, half_dim)], dim: -1);
        if (num_channels % 2 == 1)
            emb = nn.functional.pad(emb, [0, 1, 0, 0]);
        return scope.MoveToOuter(emb);
    }
}
