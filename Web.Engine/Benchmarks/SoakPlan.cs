namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>
/// How long <c>bench --only soak</c> runs each phase. The defaults are the soak (hours on two cores); a
/// test runs a few units of each to check that the section works.
/// </summary>
/// <param name="TrainingSteps">Adapter training steps on a small demo-world dataset.</param>
/// <param name="Generations">Audio-conditioned generations with the demo model.</param>
/// <param name="EvaluationPairs">Evaluation cases, each an audio image and its text-only twin.</param>
/// <param name="DenoisingSteps">Denoising steps of each generation and evaluation image.</param>
public sealed record SoakPlan(int TrainingSteps = 2000, int Generations = 300, int EvaluationPairs = 50, int DenoisingSteps = 25)
{
    public void Validate()
    {
        if (TrainingSteps < 1 || Generations < 1 || EvaluationPairs < 1 || DenoisingSteps < 1)
            throw new InputException($"soak: every phase needs at least one unit of work, not {this}");
    }
}
