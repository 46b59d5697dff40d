using Clap2Diffusion.Engine.Models.Layers;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// diffusers' <c>ResnetBlock2D</c>: norm, activation, 3x3 conv; the time embedding (activated, projected) added
/// ("default") or applied as scale and shift after norm2 ("scale_shift"); norm, activation, 3x3 conv; a 1x1
/// conv shortcut when the width changes; residual sum divided by the output scale factor.
/// </summary>
public sealed class ResnetBlock2D : nn.Module
{
    public readonly nn.Module<Tensor, Tensor> norm1;
    public readonly nn.Module<Tensor, Tensor> conv1;
    public readonly nn.Module<Tensor, Tensor>? time_emb_proj;
    public readonly nn.Module<Tensor, Tensor> norm2;
    public readonly nn.Module<Tensor, Tensor> dropout;
    public readonly nn.Module<Tensor, Tensor> conv2;
    public readonly nn.Module<Tensor, Tensor>? conv_shortcut;

    private readonly Func<Tensor, Tensor> nonlinearity;
    private readonly bool scale_shift;
    private readonly double output_scale_factor;

    public ResnetBlock2D(
        long in_channels,
        long? out_channels = null,
        long? temb_channels = 512,
        double eps = 1e-6,
        long groups = 32,
        string non_linearity = "swish",
        string time_embedding_norm = "default",
        double output_scale_factor = 1.0,
        Device? device = null) : base(nameof(ResnetBlock2D))
    {
        var out_ch = out_channels ?? in_channels;
        scale_shift = time_embedding_norm switch
        {
            "scale_shift" => true,
            "default" or "group" => false,
            _ => throw new InputException($"ResnetBlock2D: unsupported time_embedding_norm '{time_embedding_norm}' (supported: default, scale_shift)"),
        };
        this.output_scale_factor = output_scale_factor;
        nonlinearity = Activations.Get(non_linearity);

        norm1 = Norms.GroupNorm(groups, in_channels, eps, affine: true, device: device);
        conv1 = OneDnn.Register(() => nn.Conv2d(in_channels, out_ch, 3, padding: 1, device: device));
        if (temb_channels is { } temb)
            time_emb_proj = nn.Linear(temb, scale_shift ? 2 * out_ch : out_ch, device: device);
        norm2 = Norms.GroupNorm(groups, out_ch, eps, affine: true, device: device);
        dropout = nn.Dropout(0.0);
        conv2 = OneDnn.Register(() => nn.Conv2d(out_ch, out_ch, 3, padding: 1, device: device));
        if (in_channels != out_ch)
            conv_shortcut = OneDnn.Register(() => nn.Conv2d(in_channels, out_ch, 1, device: device));
        RegisterComponents();
    }

    public Tensor forward(Tensor input_tensor, Tensor? temb)
    {
        using var scope = NewDisposeScope();
        var hidden_states = nonlinearity(norm1.forward(input_tensor));
        hidden_states = conv1.forward(hidden_states);

        Tensor? time = null;
        if (time_emb_proj is not null && temb is not null)
        {
            time = time_emb_proj.forward(nonlinearity(temb));
            time = time.unsqueeze(-1).unsqueeze(-1);
        }

        if (!scale_shift)
        {
            if (time is not null)
                hidden_states = hidden_states.add(time, Scalars.One);
            hidden_states = norm2.forward(hidden_states);
        }
        else
        {
            if (time is null)
                throw new InvalidOperationException("a scale_shift ResnetBlock2D needs a time embedding");
            var parts = time.chunk(2, dim: 1);
            hidden_states = norm2.forward(hidden_states);
            hidden_states = (hidden_states * parts[0].add(Scalars.One, Scalars.One)).add(parts[1], Scalars.One);
        }

        hidden_states = nonlinearity(hidden_states);
        hidden_states = dropout.forward(hidden_states);
        hidden_states = conv2.forward(hidden_states);

        var shortcut = conv_shortcut is null ? input_tensor : conv_shortcut.forward(input_tensor);
        // `a + b` once made a temporary alpha Scalar that the finaliser freed while LibTorch still read it (seen as
        // "toFloat" failures while encoding thousands of images); the shared Scalar lives forever.
        var output = shortcut.add(hidden_states, Scalars.One);
        if (output_scale_factor != 1.0)
            output = Scalars.DividedBy(output, output_scale_factor);
        return scope.MoveToOuter(output);
    }
}
