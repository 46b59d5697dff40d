using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Client.Pages.Admin.Runs;

/// <summary>The training settings as the form edits them (mutable, for two-way binding).</summary>
public sealed class TrainingForm
{
    public int Stage { get; set; }
    public int Steps { get; set; }
    public double LearningRate { get; set; }
    public int BatchSize { get; set; }
    public int GradientAccumulation { get; set; }
    public int WarmupSteps { get; set; }
    public double AlignmentLossWeight { get; set; }
    public int CheckpointEvery { get; set; }
    public int SamplesEvery { get; set; }
    public long Seed { get; set; }
    public int? SampleLimit { get; set; }
    public AdapterPreset Preset { get; set; }
    public string DatasetFolder { get; set; } = "";
    public string? BaseModelFolder { get; set; }
    public string? ClapFolder { get; set; }
    public string? StageOneResult { get; set; }

    public static TrainingForm From(TrainingSettings s) => new()
    {
        Stage = s.Stage, Steps = s.Steps, LearningRate = s.LearningRate, BatchSize = s.BatchSize, GradientAccumulation = s.GradientAccumulation,
        WarmupSteps = s.WarmupSteps, AlignmentLossWeight = s.AlignmentLossWeight, CheckpointEvery = s.CheckpointEvery, SamplesEvery = s.SamplesEvery,
        Seed = s.Seed, SampleLimit = s.SampleLimit, Preset = s.Preset, DatasetFolder = s.DatasetFolder, BaseModelFolder = s.BaseModelFolder,
        ClapFolder = s.ClapFolder, StageOneResult = s.StageOneResult,
    };

    public TrainingSettings ToSettings() => new()
    {
        Stage = Stage, Steps = Steps, LearningRate = LearningRate, BatchSize = BatchSize, GradientAccumulation = GradientAccumulation,
        WarmupSteps = WarmupSteps, AlignmentLossWeight = AlignmentLossWeight, CheckpointEvery = CheckpointEvery, SamplesEvery = SamplesEvery,
        Seed = Seed, SampleLimit = SampleLimit, Preset = Preset, DatasetFolder = DatasetFolder,
        BaseModelFolder = string.IsNullOrWhiteSpace(BaseModelFolder) ? null : BaseModelFolder.Trim(),
        ClapFolder = string.IsNullOrWhiteSpace(ClapFolder) ? null : ClapFolder.Trim(),
        StageOneResult = Stage == 2 && !string.IsNullOrWhiteSpace(StageOneResult) ? StageOneResult.Trim() : null,
    };

    /// <summary>Picks a stage and takes its recipe's steps, learning rate and batch size as the new defaults.</summary>
    public void FollowStage(int stage)
    {
        var recipe = TrainingSettings.Recipe(stage);
        (Stage, Steps, LearningRate, BatchSize) = (recipe.Stage, recipe.Steps, recipe.LearningRate, recipe.BatchSize);
    }
}
