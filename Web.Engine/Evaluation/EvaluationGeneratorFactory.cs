namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Builds the generator for an evaluation run from the command line's model options. The <c>evaluate</c> verb is
/// given one; where none is given, the verb explains that this build has no generator.
/// </summary>
public delegate IPairGenerator EvaluationGeneratorFactory(EvaluationGeneratorOptions options);

/// <summary>
/// The model options of <c>evaluate</c>. Folders left out mean the generator's defaults (for the demo world, the
/// embedded demo model under <c>models/demo/</c>).
/// </summary>
/// <param name="Model">A diffusers Stable Diffusion folder (<c>--model</c>).</param>
/// <param name="Clap">A transformers CLAP folder (<c>--clap</c>).</param>
/// <param name="Adapters">A trained V4 adapters folder (<c>--adapters</c>).</param>
/// <param name="Steps">Denoising steps (<c>--steps</c>); null for the generator's default.</param>
/// <param name="DemoWorld">True when the cases come from the demo world rather than a dataset.</param>
/// <param name="Composition">The strategy of the <c>audio_composed</c> variant (<c>--contradictory-strength</c>); null for the design's.</param>
public sealed record EvaluationGeneratorOptions(string? Model, string? Clap, string? Adapters, int? Steps, bool DemoWorld,
    Composition.CompositionStrategy? Composition = null);
