using System.Globalization;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// diffusers' StableDiffusionPipeline text-to-image loop with given text embeddings (<c>parity/diffusers/pipeline_dummy</c>):
/// the UNet and VAE named in the metadata load through their <c>FromPretrained</c>, the scheduler through
/// <see cref="SchedulerFactory.FromConfig"/>, and the stages run as <see cref="ClapDiffusionPipeline"/> runs them
/// (rows [negative, prompt] in one UNet call, <see cref="Guidance.Combine"/>, the scheduler step, decode of
/// latents / scaling_factor, <see cref="ImageTensors.ToRgb"/>). The pipeline class itself starts from prompts and a
/// seed, so it cannot be fed the fixture's embeddings and noise. Tolerances from the README: latents, noise
/// predictions and the decoded image 1e-4·max(1, absmax); the [0, 1] image 1e-4; timesteps exactly; the PNG bytes
/// within one level of round(255·x) (a value within float rounding of a .5 boundary may round either way).
/// </summary>
public sealed class PipelineParity : IParityKind
{
    private const string Io = "io.safetensors";
    private static readonly string[] Tensors = ["input.prompt_embeds", "input.negative_prompt_embeds", "input.latents", "timesteps", "output.image"];
    private static readonly ParityTolerance Scaled = ParityTolerance.Scaled(1e-4);

    public string Name => "pipeline";

    public string Layout =>
        $"text-to-image loop: {Io} ({string.Join(", ", Tensors)}, steps.*) with unet_weights, vae_weights, scheduler_config and guidance_scale metadata";

    public bool Recognises(FixtureFolder folder) =>
        folder.TryOpen(Io) is { } io && Tensors.All(io.Contains)
        && new[] { "unet_weights", "vae_weights", "scheduler_config", "guidance_scale" }.All(io.Metadata.ContainsKey);

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var io = folder.Reference(Io);
        var unetWeights = folder.ResolveNamedFile(io.Meta("unet_weights"));
        var vaeWeights = folder.ResolveNamedFile(io.Meta("vae_weights"));
        using var unet = UNet2DConditionModel.FromPretrained(Path.GetDirectoryName(unetWeights)!, ComputeTarget.Cpu, Path.GetFileName(unetWeights));
        using var vae = AutoencoderKL.FromPretrained(Path.GetDirectoryName(vaeWeights)!, ComputeTarget.Cpu, Path.GetFileName(vaeWeights));
        using var scheduler = SchedulerFactory.FromConfig(SchedulerConfig.Parse(io.Meta("scheduler_config"), $"{io.File.Path} scheduler_config"));
        ApplyEta(scheduler, io);
        var guidance = Number(io, "guidance_scale");

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var reference = io.Load("timesteps");
        scheduler.SetTimesteps((int)reference.shape[0]);
        run.Compare(io, "timesteps", scheduler.Timesteps, ParityTolerance.Identical);

        // Rows [negative, prompt], as diffusers batches them for classifier-free guidance.
        var context = cat([io.Load("input.negative_prompt_embeds"), io.Load("input.prompt_embeds")]);
        var latents = Scalars.Times(scheduler.InitNoiseSigma, io.Load("input.latents"));
        List<Tensor> steps = [latents], uncond = [], text = [], guided = [];
        for (var i = 0; i < scheduler.TimestepValues.Length; i++)
        {
            var t = scheduler.TimestepValues[i];
            var input = scheduler.ScaleModelInput(latents, t).expand(2, -1, -1, -1);
            var parts = unet.forward(input, scheduler.Timesteps[i].expand(2), context).chunk(2);
            var eps = Guidance.Combine(parts[0], parts[1], null, guidance, 0);
            latents = scheduler.Step(eps, t, latents).PrevSample;
            uncond.Add(parts[0]);
            text.Add(parts[1]);
            guided.Add(eps);
            steps.Add(latents);
        }
        CompareIfPresent(io, "steps.latents", stack(steps), Scaled, run);
        CompareIfPresent(io, "steps.noise_pred_uncond", stack(uncond), Scaled, run);
        CompareIfPresent(io, "steps.noise_pred_text", stack(text), Scaled, run);
        CompareIfPresent(io, "steps.noise_pred", stack(guided), Scaled, run);

        var decoded = vae.decode(Scalars.DividedBy(latents, vae.ScalingFactor));
        CompareIfPresent(io, "output.decoded", decoded, Scaled, run);
        var image = (decoded / Scalars.Two).add(Scalars.Half, Scalars.One).clamp(Scalars.Zero, Scalars.One);
        run.Compare(io, "output.image", image, ParityTolerance.Absolute(1e-4));

        var ours = tensor(ImageTensors.ToRgb(decoded[0]).Select(v => (float)v).ToArray(), [decoded.shape[2], decoded.shape[3], 3]);
        var expected = (io.Load("output.image")[0] * Scalars.Max8Bit).round().permute(1, 2, 0);
        run.Compare(io.QualifiedName("output.image.png_bytes"), ours, expected, ParityTolerance.Absolute(1), keep: false);
    }

    private static void CompareIfPresent(ReferenceFile io, string name, Tensor ours, ParityTolerance tolerance, ParityRun run)
    {
        if (io.Contains(name))
            run.Compare(io, name, ours, tolerance);
    }

    private static void ApplyEta(DiffusionScheduler scheduler, ReferenceFile io)
    {
        if (!io.Metadata.ContainsKey("eta"))
            return;
        var eta = Number(io, "eta");
        if (scheduler is DDIMScheduler ddim && eta == 0)
            ddim.Eta = eta;
        else if (eta != 0)
            throw new InputException($"{io.File.Path}: eta {eta} draws noise the fixture does not record; only eta 0 can be replayed");
    }

    private static double Number(ReferenceFile io, string key) =>
        double.TryParse(io.Meta(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InputException($"{io.File.Path}: metadata {key} '{io.Meta(key)}' is not a number");
}
