namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>
/// How much data and training each stage of <c>demo build</c> gets. <see cref="Full"/> is the committed model's
/// recipe, sized to finish within 2.5 hours on 2 CPU cores; <see cref="Smoke"/> runs every stage briefly (tests).
/// </summary>
public sealed record DemoProfile(
    string Name,
    int TrainClips,
    int ValClips,
    int TestClips,
    int VaeSteps,
    int VaeBatch,
    int BasePool,
    int BaseSteps,
    int BaseBatch,
    int ClapSteps,
    int ClapBatch,
    int Stage1Steps,
    int Stage2Steps,
    int AdapterBatch,
    int ClassifierSteps,
    int[] UNetChannels)
{
    public static DemoProfile Full { get; } = new("full", TrainClips: 2000, ValClips: 100, TestClips: 200,
        VaeSteps: 1200, VaeBatch: 8, BasePool: 10000, BaseSteps: 6000, BaseBatch: 16, ClapSteps: 1200, ClapBatch: 32,
        Stage1Steps: 2400, Stage2Steps: 300, AdapterBatch: 16, ClassifierSteps: 1200, UNetChannels: [32, 64, 64]);

    /// <summary>About a quarter of the full recipe: a usable but rougher model in well under an hour.</summary>
    public static DemoProfile Quick { get; } = new("quick", TrainClips: 400, ValClips: 50, TestClips: 50,
        VaeSteps: 500, VaeBatch: 8, BasePool: 3000, BaseSteps: 900, BaseBatch: 16, ClapSteps: 400, ClapBatch: 32,
        Stage1Steps: 300, Stage2Steps: 100, AdapterBatch: 16, ClassifierSteps: 400, UNetChannels: [32, 64, 64]);

    public static DemoProfile Smoke { get; } = new("smoke", TrainClips: 12, ValClips: 4, TestClips: 4,
        VaeSteps: 3, VaeBatch: 4, BasePool: 16, BaseSteps: 3, BaseBatch: 4, ClapSteps: 3, ClapBatch: 4,
        Stage1Steps: 2, Stage2Steps: 2, AdapterBatch: 2, ClassifierSteps: 3, UNetChannels: [32, 32, 32]);

    /// <summary>
    /// For timing the training loop, not for a model: the full recipe's <c>base</c> stage (its UNet, batch 16) for a
    /// fixed 300 steps, on a small scene pool, with every other stage as brief as <see cref="Smoke"/>. Compare the
    /// base stage's seconds between runs (e.g. <c>--allocator default</c> against <c>tuned</c>).
    /// </summary>
    public static DemoProfile BaseTiming { get; } = Smoke with
    {
        Name = "base-timing",
        BasePool = 640,
        BaseSteps = 300,
        BaseBatch = Full.BaseBatch,
        UNetChannels = Full.UNetChannels,
    };

    public static DemoProfile Named(string name) => name switch
    {
        "full" => Full,
        "quick" => Quick,
        "smoke" => Smoke,
        "base-timing" => BaseTiming,
        _ => throw new InputException($"unknown profile '{name}'; choose full, quick, smoke or base-timing"),
    };
}
