using System.Globalization;
using System.Text.Json;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// diffusers' schedulers (<c>parity/diffusers/schedulers</c>): each <c>&lt;sampler&gt;.json</c> goes through
/// <see cref="SchedulerFactory.FromFile"/> as a model's scheduler config would; timesteps, σ, the initial noise scale and
/// the README's fake-model loop are compared for every step count stored. Tolerances from the README: integer
/// timesteps exact, float timesteps 1e-4, σ and ᾱ rtol 1e-6, loops 1e-5·max(1, absmax).
/// </summary>
public sealed class SchedulersParity : IParityKind
{
    private const string BaseConfig = "sd15_scheduler_config.json";
    private const string Common = "common.safetensors";
    private const string SpacingCase = "scheduler_spacing_variants";

    // A fixture made with another fake model cannot be replayed, so its description must be this one.
    private const string FakeModel = "eps(x, t) = 0.1*x*cos(t/100) + 0.01*sin(t), t cast to float32, computed in float32";

    private static readonly ParityTolerance Table = ParityTolerance.Relative(1e-6);
    private static readonly ParityTolerance Loop = ParityTolerance.Scaled(1e-5);

    public string Name => "schedulers";

    public string Layout =>
        $"diffusers scheduler loops: {BaseConfig}, {Common}, <sampler>.json + <sampler>.safetensors, optional spacing_variants.safetensors";

    public bool Recognises(FixtureFolder folder) =>
        folder.Has(BaseConfig) && folder.MetadataOf(Common, "case") == "schedulers_common";

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var baseConfig = SchedulerConfig.Read(folder.PathOf(BaseConfig));
        var common = folder.Reference(Common, "common/");
        CompareNoiseSchedule(baseConfig, common, run);
        using var initialNoise = common.Load("initial_noise");

        foreach (var fileName in folder.FilesEndingWith(".safetensors"))
        {
            var stem = Path.GetFileNameWithoutExtension(fileName);
            var @case = folder.MetadataOf(fileName, "case");
            if (@case == SpacingCase)
                CompareSpacings(baseConfig, folder.Reference(fileName, stem + "/"), run);
            else if (@case is not null && @case.StartsWith("scheduler_", StringComparison.Ordinal))
                CompareSampler(folder, folder.Reference(fileName, stem + "/"), stem, initialNoise, run);
        }
    }

    private static void CompareNoiseSchedule(SchedulerConfig config, ReferenceFile common, ParityRun run)
    {
        using var scheduler = SchedulerFactory.FromConfig(config);
        run.Compare(common, "betas", scheduler.Betas, Table);
        run.Compare(common, "alphas", scheduler.Alphas, Table);
        run.Compare(common, "alphas_cumprod", scheduler.AlphasCumprod, Table);
    }

    private static void CompareSampler(FixtureFolder folder, ReferenceFile file, string stem, Tensor initialNoise, ParityRun run)
    {
        if (file.Meta("fake_model") != FakeModel)
            throw new InputException($"{file.File.Path} was made with the fake model '{file.Meta("fake_model")}'; this engine replays '{FakeModel}'");
        var configPath = folder.PathOf(stem + ".json");
        if (!File.Exists(configPath))
            throw new InputException($"{file.File.Path} has no scheduler config beside it ({stem}.json)");
        using var scheduler = SchedulerFactory.FromFile(configPath);
        ApplyStepArguments(scheduler, file);

        foreach (var n in StepCounts(file, "timesteps."))
        {
            using var scope = NewDisposeScope();
            scheduler.SetTimesteps(n);
            CompareSchedule(scheduler, file, $"timesteps.{n}", $"sigmas.{n}", $"init_noise_sigma.{n}", run);
            if (!file.Contains($"loop.{n}.start"))
                continue;
            var start = Scalars.Times(scheduler.InitNoiseSigma, initialNoise);
            run.Compare(file, $"loop.{n}.start", start, Table);
            RunLoop(scheduler, start, file, n, run);
        }
    }

    private static void CompareSchedule(DiffusionScheduler scheduler, ReferenceFile file, string timesteps, string sigmas,
        string initNoiseSigma, ParityRun run)
    {
        using var expected = file.Load(timesteps);
        run.Compare(file.QualifiedName(timesteps), scheduler.Timesteps, expected,
            expected.is_floating_point() ? ParityTolerance.Absolute(1e-4) : ParityTolerance.Identical);
        if (file.Contains(sigmas))
        {
            using var none = empty(0);
            run.Compare(file, sigmas, scheduler.Sigmas ?? none, Table);
        }
        if (file.Contains(initNoiseSigma))
        {
            using var ours = tensor(new[] { (float)scheduler.InitNoiseSigma });
            run.Compare(file, initNoiseSigma, ours, Table);
        }
    }

    /// <summary>The README's loop: x_in = scale_model_input(latents, t); latents = step(eps(x_in, t), t, latents).</summary>
    private static void RunLoop(DiffusionScheduler scheduler, Tensor start, ReferenceFile file, int n, ParityRun run)
    {
        using var recorded = file.Contains($"loop.{n}.noise") ? file.Load($"loop.{n}.noise") : null;
        if (recorded is not null)
            scheduler.NoiseSource = new RecordedNoiseSource(recorded, $"{file.File.Path} loop.{n}.noise");
        var perStep = file.Contains($"loop.{n}.model_inputs");
        var inputs = new List<Tensor>();
        var outputs = new List<Tensor>();
        var samples = new List<Tensor>();
        var latents = start.alias();
        try
        {
            foreach (var t in scheduler.TimestepValues)
            {
                using var scope = NewDisposeScope();
                var x_in = scheduler.ScaleModelInput(latents, t);
                var eps = FakeEpsilon(x_in, t);
                var next = scheduler.Step(eps, t, latents).PrevSample;
                if (perStep)
                {
                    inputs.Add(x_in.DetachFromDisposeScope());
                    outputs.Add(eps.DetachFromDisposeScope());
                    samples.Add(next.alias().DetachFromDisposeScope());
                }
                latents.Dispose();
                latents = next.MoveToOuterDisposeScope();
            }
            if (perStep)
            {
                using var scope = NewDisposeScope();
                run.Compare(file, $"loop.{n}.model_inputs", stack(inputs), Loop);
                run.Compare(file, $"loop.{n}.model_outputs", stack(outputs), Loop);
                run.Compare(file, $"loop.{n}.samples", stack(samples), Loop);
            }
            run.Compare(file, $"loop.{n}.final_sample", latents, Loop);
        }
        finally
        {
            latents.Dispose();
            foreach (var kept in inputs.Concat(outputs).Concat(samples))
                kept.Dispose();
            scheduler.NoiseSource = GeneratorNoiseSource.ProcessDefault;
        }
    }

    /// <summary>The README's fake model, eps(x, t) = 0.1·x·cos(t/100) + 0.01·sin(t), all in float32.</summary>
    // The fake model's constants, made once (decision record 0010), in the C# types of the literals they replaced.
    private static readonly Scalar FakeSlope = 0.1.ToScalar();
    private static readonly Scalar FakePeriod = 100.ToScalar();
    private static readonly Scalar FakeDrift = 0.01.ToScalar();

    public static Tensor FakeEpsilon(Tensor x, double timestep)
    {
        using var scope = NewDisposeScope();
        var t = tensor((float)timestep);
        return (FakeSlope * x * (t / FakePeriod).cos()).add(FakeDrift * t.sin(), Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>The same base config under each <c>timestep_spacing</c>: names <c>{Class}.{spacing}.{what}.{n}</c>.</summary>
    private static void CompareSpacings(SchedulerConfig baseConfig, ReferenceFile file, ParityRun run)
    {
        var variants = file.Names.Where(name => name.Split('.') is [_, _, "timesteps", _])
            .Select(name => name.Split('.')).Select(parts => (ClassName: parts[0], Spacing: parts[1], Steps: ParseSteps(parts[3], file)));
        foreach (var (className, spacing, n) in variants)
        {
            using var scope = NewDisposeScope();
            using var scheduler = SchedulerFactory.FromConfig(baseConfig with { ClassName = className, TimestepSpacing = spacing });
            scheduler.SetTimesteps(n);
            var prefix = $"{className}.{spacing}";
            CompareSchedule(scheduler, file, $"{prefix}.timesteps.{n}", $"{prefix}.sigmas.{n}", $"{prefix}.init_noise_sigma.{n}", run);
        }
    }

    private static IEnumerable<int> StepCounts(ReferenceFile file, string prefix) =>
        file.Names.Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(name => ParseSteps(name[prefix.Length..], file));

    private static int ParseSteps(string text, ReferenceFile file) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new InputException($"{file.File.Path}: '{text}' in a tensor name is not a step count");

    /// <summary>The keyword arguments the reference passed to <c>step()</c> (<c>{"eta": 0.0}</c> for DDIM).</summary>
    private static void ApplyStepArguments(DiffusionScheduler scheduler, ReferenceFile file)
    {
        if (!file.Metadata.TryGetValue("step_kwargs", out var json))
            return;
        using var document = ConfigJson.ParseDocument(json, $"{file.File.Path} step_kwargs");
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InputException($"{file.File.Path}: step_kwargs is not a JSON object");
        foreach (var argument in document.RootElement.EnumerateObject())
        {
            if (argument.Name == "eta" && scheduler is DDIMScheduler ddim && argument.Value.TryGetDouble(out var eta))
                ddim.Eta = eta;
            else
                throw new InputException($"{file.File.Path}: the step argument {argument.Name}={argument.Value} is not supported for {scheduler.Name}");
        }
    }
}
