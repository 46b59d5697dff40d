using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Training.Data;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// The cases of an evaluation as the admin console asks for them, made the same way wherever the run goes (the
/// in-process engine, or each worker of a sharded run, which must all see one case list).
/// </summary>
public static class EvaluationSources
{
    public static readonly IReadOnlyList<string> SplitPreference = ["test", "val", "train"];

    /// <summary>
    /// The demo world's cases, as <c>evaluate --world demo --limit</c> makes them (an equal share per relation), or the
    /// dataset's preferred split (test, else val, else train).
    /// </summary>
    public static IEvaluationSource For(bool demoWorld, string datasetFolder, int samples, long seed)
    {
        if (!demoWorld)
            return new AudioCapsEvaluationSource(datasetFolder, SplitOf(datasetFolder), seed, samples);
        var relations = Enum.GetValues<PromptAudioRelation>().Length;
        return EvaluationWorlds.BuiltIn.Cases((samples + relations - 1) / relations, seed, samples);
    }

    private static string SplitOf(string dataset)
    {
        if (!Directory.Exists(dataset))
            throw new InputException($"The dataset folder {dataset} does not exist.");
        var layout = new AudioCapsLayout(dataset);
        return SplitPreference.FirstOrDefault(split => File.Exists(layout.SplitCsv(split)))
            ?? throw new InputException($"{dataset} has none of {string.Join(", ", SplitPreference.Select(s => s + ".csv"))}: it is not an AudioCaps-format dataset.");
    }
}
