namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Builds schedulers the way a diffusers pipeline swaps them: <c>Class.from_config(base | overrides)</c>.
/// Keys absent from the base config (null in <see cref="SchedulerConfig"/>) take each class's own
/// default, so Euler, LMS and DPM-Solver keep "linspace" spacing when built from SD 1.5's PNDM config.
/// </summary>
public static class SchedulerFactory
{
    /// <summary>The sampler names the UI and the command line offer.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["ddim", "pndm", "lms", "euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_karras"];

    /// <summary>The upstream class names <see cref="FromConfig"/> accepts in <c>_class_name</c>.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        nameof(DDIMScheduler), nameof(PNDMScheduler), nameof(LMSDiscreteScheduler), nameof(EulerDiscreteScheduler),
        nameof(EulerAncestralDiscreteScheduler), nameof(DPMSolverMultistepScheduler),
    ];

    /// <summary>The named sampler, configured from a model's scheduler config (the name fixes the solver and σ grid).</summary>
    public static DiffusionScheduler Create(string name, SchedulerConfig baseConfig) => name switch
    {
        "ddim" => new DDIMScheduler(baseConfig),
        "pndm" => new PNDMScheduler(baseConfig),
        "lms" => new LMSDiscreteScheduler(baseConfig with { UseKarrasSigmas = false }),
        "euler" => new EulerDiscreteScheduler(baseConfig with { UseKarrasSigmas = false }),
        "euler_ancestral" => new EulerAncestralDiscreteScheduler(baseConfig),
        "dpmpp_2m" => new DPMSolverMultistepScheduler(baseConfig with { AlgorithmType = "dpmsolver++", SolverOrder = 2, UseKarrasSigmas = false }),
        "dpmpp_2m_karras" => new DPMSolverMultistepScheduler(baseConfig with { AlgorithmType = "dpmsolver++", SolverOrder = 2, UseKarrasSigmas = true }),
        _ => throw new InputException($"unknown scheduler '{name}'; choose one of: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// The name under which <see cref="Create"/> builds the class a model folder's config names, so a model's own
    /// scheduler can be offered by name; "ddim" for a class without one.
    /// </summary>
    public static string NameOf(SchedulerConfig config) => config.ClassName switch
    {
        nameof(PNDMScheduler) => "pndm",
        nameof(LMSDiscreteScheduler) => "lms",
        nameof(EulerDiscreteScheduler) => "euler",
        nameof(EulerAncestralDiscreteScheduler) => "euler_ancestral",
        nameof(DPMSolverMultistepScheduler) => config.UseKarrasSigmas ? "dpmpp_2m_karras" : "dpmpp_2m",
        _ => "ddim",
    };

    /// <summary>The class a config names in <c>_class_name</c> (a model folder's <c>scheduler/scheduler_config.json</c>).</summary>
    public static DiffusionScheduler FromConfig(SchedulerConfig config) => config.ClassName switch
    {
        nameof(DDIMScheduler) => new DDIMScheduler(config),
        nameof(PNDMScheduler) => new PNDMScheduler(config),
        nameof(LMSDiscreteScheduler) => new LMSDiscreteScheduler(config),
        nameof(EulerDiscreteScheduler) => new EulerDiscreteScheduler(config),
        nameof(EulerAncestralDiscreteScheduler) => new EulerAncestralDiscreteScheduler(config),
        nameof(DPMSolverMultistepScheduler) => new DPMSolverMultistepScheduler(config),
        null => throw new InputException("scheduler config: _class_name is missing, so the scheduler class is unknown"),
        var other => throw new InputException($"scheduler config: _class_name '{other}' is not supported; choose one of: {string.Join(", ", ClassNames)}"),
    };

    public static DiffusionScheduler FromFile(string path) => FromConfig(SchedulerConfig.Read(path));
}
