using System.Runtime.CompilerServices;
using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Demo.Benchmarks;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Worlds;

namespace Clap2Diffusion.Engine.Demo;

/// <summary>
/// The demo is a feature folder: it hands its verb, its benchmark sections, its evaluation world and its synthetic world to the core's
/// registries when the engine assembly loads, so no core code names it.
/// </summary>
internal static class DemoRegistration
{
    [ModuleInitializer]
    internal static void Register()
    {
        FeatureVerbs.Register(DemoVerb.Create);
        BenchSections.Register(_ => new DemoGenerationBenchSection());
        BenchSections.Register(_ => new TrainingBenchSection());
        BenchSections.Register(soak => new SoakBenchSection(soak));
        EvaluationWorlds.Register(new DemoEvaluationWorld());
        SyntheticWorlds.Register(new DemoSyntheticWorld());
    }
}
