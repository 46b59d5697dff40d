using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// diffusers' <c>UNet2DConditionModel</c> (<c>parity/diffusers/unet_dummy</c>, <c>unet_mini</c>): the weights file that
/// <c>io.safetensors</c>' <c>weights</c> metadata names is loaded with its folder's <c>config.json</c> through
/// <see cref="UNet2DConditionModel.FromPretrained"/>; <c>output.sample</c> and every stored <c>intermediate.*</c> activation
/// are compared. Tolerances from the README: the output max|Δ| ≤ 1e-4, intermediates ≤ 1e-4·max(1, absmax).
/// </summary>
public sealed class UNetParity : IParityKind
{
    private const string Io = "io.safetensors";
    private const string Intermediate = "intermediate.";
    private static readonly string[] Tensors = ["input.sample", "input.timestep", "input.encoder_hidden_states", "output.sample"];

    public string Name => "unet";

    public string Layout => $"diffusers UNet2DConditionModel: {Io} ({string.Join(", ", Tensors)}, {Intermediate}*) whose 'weights' metadata names the model's weights file";

    public bool Recognises(FixtureFolder folder) =>
        folder.TryOpen(Io) is { } io && io.Metadata.ContainsKey("weights") && Tensors.All(io.Contains);

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var io = folder.Reference(Io);
        var weights = folder.ResolveNamedFile(io.Meta("weights"));
        using var unet = UNet2DConditionModel.FromPretrained(Path.GetDirectoryName(weights)!, ComputeTarget.Cpu, Path.GetFileName(weights));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var intermediates = new IntermediateChecks(io, Intermediate, ParityTolerance.Scaled(1e-4), run);

        var output = unet.forward(io.Load("input.sample"), io.Load("input.timestep"), io.Load("input.encoder_hidden_states"),
            new UNetHooks { Observer = intermediates.Observe });

        run.Compare(io, "output.sample", output, ParityTolerance.Absolute(1e-4));
        intermediates.ReportMissing();
    }
}
