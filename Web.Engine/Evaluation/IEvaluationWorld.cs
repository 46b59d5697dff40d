using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// A synthetic world an evaluation can draw its cases from and score itself on: it makes cases of every relation
/// with the labels each calls for, and loads the classifier that reads those labels back from images. A world
/// registers itself with <see cref="EvaluationWorlds"/> (the demo world does, from its own folder), so the core
/// and the command line never name one.
/// </summary>
public interface IEvaluationWorld
{
    /// <summary>What <c>evaluate --world</c> takes.</summary>
    string Name { get; }

    int DefaultPerRelation { get; }

    int MaxPerRelation { get; }

    /// <summary>The classifier's folder inside a model trained on the world.</summary>
    string ClassifierFolderName { get; }

    /// <summary>The embedded model's classifier, relative to the working folder.</summary>
    string DefaultClassifierPath { get; }

    /// <summary><paramref name="perRelation"/> cases of each relation, in turn, the first <paramref name="limit"/> of them.</summary>
    IEvaluationSource Cases(int perRelation, long seed, int? limit);

    /// <summary>Loads the world's classifier from a folder, checking that it reads this world.</summary>
    ISceneClassifier LoadClassifier(string folder, ComputeTarget? target);
}

/// <summary>A world's classifier: a scene reader whose pooled features also give a domain FID when no Inception weights are given.</summary>
public interface ISceneClassifier : ISceneReader, IDisposable
{
    IImageFeatures DomainFeatures { get; }
}
