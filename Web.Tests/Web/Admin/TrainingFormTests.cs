using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Admin.Runs;

namespace Clap2Diffusion.Tests.Web.Admin;

/// <summary>The training form takes the picked stage's recipe as its defaults, and stage 2 asks for the stage-1 result it starts from.</summary>
public sealed class TrainingFormTests
{
    [Fact]
    public void Picking_a_stage_takes_its_recipe_of_steps_learning_rate_and_batch()
    {
        var form = TrainingForm.From(new TrainingSettings { DatasetFolder = "datasets/audiocaps", Steps = 17, LearningRate = 0.1, BatchSize = 3 });

        form.FollowStage(2);
        var stageTwo = (form.Stage, form.Steps, form.LearningRate, form.BatchSize);
        form.FollowStage(1);
        var stageOne = (form.Stage, form.Steps, form.LearningRate, form.BatchSize);

        Assert.Equal((2, 2000, 1e-5, 8), stageTwo);
        Assert.Equal((1, 3000, 5e-5, 8), stageOne);
        Assert.Equal("datasets/audiocaps", form.DatasetFolder);
    }

    [Fact]
    public void Stage_two_without_a_stage_one_result_is_a_problem_and_stage_one_drops_it()
    {
        var form = TrainingForm.From(new TrainingSettings { DatasetFolder = "datasets/audiocaps" });
        form.FollowStage(2);

        var unnamed = form.ToSettings().Problems();
        form.StageOneResult = "  runs/stage1/adapters ";
        var named = form.ToSettings();
        form.FollowStage(1);
        var stageOne = form.ToSettings();

        Assert.Contains("Stage 2 starts from a stage-1 result", Assert.Single(unnamed));
        Assert.Empty(named.Problems());
        Assert.Equal("runs/stage1/adapters", named.StageOneResult);
        Assert.Null(stageOne.StageOneResult);
        Assert.Empty(stageOne.Problems());
    }
}
