using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>transformers' <c>CLIPMLP</c>: <c>fc2(act(fc1(x)))</c>, with CLIP's quick_gelu or exact GELU.</summary>
public sealed class CLIPMLP : nn.Module<Tensor, Tensor>
{
    // Made once: a literal here would be a Scalar left to the finaliser on every call (decision record 0010).
    private static readonly Scalar QuickGeluSlope = 1.702.ToScalar();

    public readonly Linear fc1;
    public readonly Linear fc2;

    private readonly bool quickGelu;

    public CLIPMLP(ICLIPEncoderConfig config, Device? device = null) : base(nameof(CLIPMLP))
    {
        fc1 = nn.Linear(config.HiddenSize, config.IntermediateSize, device: device);
        fc2 = nn.Linear(config.IntermediateSize, config.HiddenSize, device: device);
        quickGelu = config.HiddenAct == "quick_gelu";
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var h = fc1.forward(hidden_states);
        // quick_gelu, x·sigmoid(1.702x): the activation OpenAI trained CLIP with; TorchSharp has none built in.
        h = quickGelu ? h * sigmoid(QuickGeluSlope * h) : nn.functional.gelu(h);
        return fc2.forward(h).MoveToOuterDisposeScope();
    }
}
