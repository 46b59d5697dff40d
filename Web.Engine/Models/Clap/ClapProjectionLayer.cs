using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The projection into the shared audio-text space: <c>linear2(act(linear1(x)))</c>, act = projection_hidden_act (ReLU).</summary>
public sealed class ClapProjectionLayer : nn.Module<Tensor, Tensor>
{
    public readonly Linear linear1;
    public readonly Linear linear2;
    private readonly string activation;

    public ClapProjectionLayer(int hiddenSize, int projectionDim, string activation, Device? device = null)
        : base(nameof(ClapProjectionLayer))
    {
        linear1 = nn.Linear(hiddenSize, projectionDim, device: device);
        linear2 = nn.Linear(projectionDim, projectionDim, device: device);
        this.activation = activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor pooled)
    {
        using var hidden = linear1.forward(pooled);
        using var activated = ClapActivation.Apply(activation, hidden);
        return linear2.forward(activated);
    }
}
