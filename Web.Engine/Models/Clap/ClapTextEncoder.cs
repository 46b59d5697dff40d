using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The stack of BERT layers (keys <c>encoder.layer.N.*</c>).</summary>
public sealed class ClapTextEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    public readonly ModuleList<ClapTextLayer> layer;

    public ClapTextEncoder(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextEncoder))
    {
        layer = new ModuleList<ClapTextLayer>(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(_ => new ClapTextLayer(config, device)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor maskBias)
    {
        var current = hidden.alias();
        foreach (var block in layer)
        {
            var next = block.forward(current, maskBias);
            current.Dispose();
            current = next;
        }
        return current;
    }
}
