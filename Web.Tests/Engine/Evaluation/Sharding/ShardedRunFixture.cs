using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Evaluation.Sharding;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Evaluation.Sharding;

/// <summary>
/// One demo-world evaluation run whole and as two uneven shards written to files: 12 cases under three variants
/// (shuffled audio included, so partners cross the shard boundary), measured by the exact scene oracle, the tiny
/// CLIP and a tiny classifier's 8-dimensional domain features (12 rows a variant: a full-rank covariance).
/// </summary>
public sealed class ShardedRunFixture : IDisposable
{
    public const int Cases = 12;
    public static readonly int[] FirstShard = [0, 1, 2, 3];

    private readonly string clipFolder;
    private readonly string classifierFolder;

    public ShardedRunFixture()
    {
        clipFolder = TinyClipFolder.Write(Folder.File("clip"));
        classifierFolder = Folder.File("classifier");
        using (var model = new SceneAttributeClassifier(SceneLabels.DefaultConfig() with { Channels = [4, 8], ImageSize = 32 }))
            SceneClassifierFolder.Save(model, classifierFolder);
        Whole = Run(Folder.File("whole"), (run, _) => run.Execute());
        FirstFile = Folder.File("shards/first.json");
        SecondFile = Folder.File("shards/second.json");
        FirstRequests = Run(Folder.File("first"), (run, generator) =>
        {
            EvaluationShardFile.Write(FirstFile, run.ExecuteShard(new EvaluationShard(FirstShard, Cases)), Folder.File("first"));
            return generator.Requests.Select(r => r.CaseId).Distinct().ToList();
        });
        Run(Folder.File("second"), (run, _) =>
        {
            EvaluationShardFile.Write(SecondFile, run.ExecuteShard(new EvaluationShard(Enumerable.Range(4, Cases - 4), Cases)), Folder.File("second"));
            return 0;
        });
    }

    public TempFolder Folder { get; } = new("eval-shards");

    public EvaluationReport Whole { get; }

    public string FirstFile { get; }

    public string SecondFile { get; }

    /// <summary>The cases the first shard's generator was asked for.</summary>
    public List<string> FirstRequests { get; }

    public DemoEvaluationSource Source { get; } = new(3, 5);

    public static EvaluationSettings Settings(string folder, long seed = 5) => new(folder)
    {
        Variants = [PairVariant.TextOnly, PairVariant.Audio, PairVariant.ShuffledAudio],
        Resamples = 200,
        Seed = seed,
        RunName = "sharded",
        KidSubsets = 10,
        GridRows = 3,
    };

    /// <summary>Runs <paramref name="body"/> with a fresh generator and measures, as a separate worker would have them.</summary>
    internal T Run<T>(string folder, Func<EvaluationRun, GroundTruthPairGenerator, T> body, long seed = 5)
    {
        using var generator = GroundTruthPairGenerator.For(Source);
        var classifier = EvaluationWorlds.BuiltIn.LoadClassifier(classifierFolder, null);
        var model = CLIPModel.FromPretrained(clipFolder);
        var clip = new ClipScore(model, CLIPTokenizer.FromPretrained(clipFolder), CLIPImageProcessor.FromPretrained(clipFolder));
        using var measures = new EvaluationMeasures(new RenderedSceneReader(generator), clip, classifier.DomainFeatures, "CLIP tiny", classifier, model);
        return body(new EvaluationRun(Source, generator, measures, Settings(folder, seed)), generator);
    }

    public void Dispose() => Folder.Dispose();
}
