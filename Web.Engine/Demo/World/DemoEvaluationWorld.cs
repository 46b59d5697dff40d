using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>The demo world as an evaluation world: its relation cases and the demo classifier that scores them.</summary>
public sealed class DemoEvaluationWorld : IEvaluationWorld
{
    public string Name => "demo";

    public int DefaultPerRelation => DemoEvaluationSource.DefaultPerRelation;

    public int MaxPerRelation => DemoEvaluationSource.MaxPerRelation;

    public string ClassifierFolderName => SceneClassifierFolder.FolderName;

    public string DefaultClassifierPath => SceneClassifierFolder.DefaultPath;

    public IEvaluationSource Cases(int perRelation, long seed, int? limit) => new DemoEvaluationSource(perRelation, seed, limit);

    public ISceneClassifier LoadClassifier(string folder, ComputeTarget? target) => SceneImageClassifier.Load(folder, target);
}
