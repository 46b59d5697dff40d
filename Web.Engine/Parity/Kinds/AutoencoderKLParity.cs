using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// diffusers' <c>AutoencoderKL</c> (<c>parity/diffusers/vae_dummy</c>, <c>vae_mini</c>): the weights file named by
/// <c>io.safetensors</c>' <c>weights</c> metadata, and the legacy-attention copy beside it when present, each go through
/// <see cref="AutoencoderKL.FromPretrained"/>; the posterior (moments, mean, logvar, std), the decode of the given latent,
/// the round trip and every stored intermediate are compared, at the README's 1e-4·max(1, absmax). The legacy run's
/// names carry the prefix <c>legacy_attention/</c>.
/// </summary>
public sealed class AutoencoderKLParity : IParityKind
{
    private const string Io = "io.safetensors";
    private const string LegacySuffix = ".legacy_attention.safetensors";
    private static readonly string[] Tensors = ["input.image", "input.latent", "output.decode"];
    private static readonly ParityTolerance Tolerance = ParityTolerance.Scaled(1e-4);

    public string Name => "vae";

    public string Layout =>
        $"diffusers AutoencoderKL: {Io} ({string.Join(", ", Tensors)}, output.encode.*, intermediate.*) whose 'weights' metadata names the model's weights file";

    public bool Recognises(FixtureFolder folder) =>
        folder.TryOpen(Io) is { } io && io.Metadata.ContainsKey("weights") && Tensors.All(io.Contains);

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var io = folder.Reference(Io);
        var weights = folder.ResolveNamedFile(io.Meta("weights"));
        var modelFolder = Path.GetDirectoryName(weights)!;
        RunWith(modelFolder, Path.GetFileName(weights), io, run);

        var legacy = Path.GetFileNameWithoutExtension(weights) + LegacySuffix;
        if (File.Exists(Path.Combine(modelFolder, legacy)))
            RunWith(modelFolder, legacy, io.WithPrefix("legacy_attention/"), run);
    }

    private static void RunWith(string modelFolder, string weightsFile, ReferenceFile io, ParityRun run)
    {
        using var vae = AutoencoderKL.FromPretrained(modelFolder, ComputeTarget.Cpu, weightsFile);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var encoding = new IntermediateChecks(io, "intermediate.encode.", Tolerance, run);
        var decoding = new IntermediateChecks(io, "intermediate.decode.", Tolerance, run);

        using var posterior = vae.encode(io.Load("input.image"), (path, activation) =>
        {
            encoding.Observe(path, activation);
            if (path == "quant_conv" && io.Contains("output.encode.moments"))
                run.Compare(io, "output.encode.moments", activation, Tolerance);
        });
        foreach (var (name, ours) in new[] { ("mean", posterior.mean), ("logvar", posterior.logvar), ("std", posterior.std) })
            if (io.Contains("output.encode." + name))
                run.Compare(io, "output.encode." + name, ours, Tolerance);
        run.Compare(io, "output.decode", vae.decode(io.Load("input.latent"), decoding.Observe), Tolerance);
        if (io.Contains("output.round_trip"))
            run.Compare(io, "output.round_trip", vae.decode(posterior.mode()), Tolerance);

        encoding.ReportMissing();
        decoding.ReportMissing();
    }
}
