using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Engine.Pipelines;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Training;

public sealed class AdapterTrainerTests : IClassFixture<AdapterTrainerTests.Data>
{
    public sealed class Data : IDisposable
    {
        public TinyPipelineFolder Model { get; } = new();
        public AudioCapsFixture Dataset { get; } = new(rows: 10);
        public void Dispose()
        {
            Model.Dispose();
            Dataset.Dispose();
        }
    }

    private readonly Data data;

    public AdapterTrainerTests(Data data) => this.data = data;

    private AdapterTrainingSettings Settings(string output, int steps, int batchSize = 4) => new()
    {
        Dataset = data.Dataset.Root,
        Model = data.Model.Root,
        Output = output,
        Steps = steps,
        BatchSize = batchSize,
        LearningRate = 3e-3,
        WarmupSteps = 2,
        AlignmentWeight = 1.0,
        CheckpointEvery = 5,
        SampleEvery = 1000,
        SamplePairs = 1,
        SampleSteps = 2,
        Seed = 3,
    };

    private static List<double> Losses(string run) =>
        JsonlMetricSink.Read(Path.Combine(run, "metrics.jsonl")).OrderBy(r => r.Step).Select(r => r.Values["loss/total"]).ToList();

    [Fact]
    public void A_short_run_lowers_the_loss_keeps_frozen_weights_and_exports_loadable_adapters()
    {
        using var run = new TempFolder("train");

        var outcome = AdapterTrainer.Run(Settings(run.Path, 30), ComputeTarget.Cpu);

        var losses = Losses(run.Path);
        Assert.True(outcome.Completed);
        Assert.True(outcome.FrozenUnchanged);
        Assert.Equal(30, losses.Count);
        var align = JsonlMetricSink.Read(Path.Combine(run.Path, "metrics.jsonl")).OrderBy(r => r.Step).Select(r => r.Values["loss/align"]).ToList();
        Assert.True(losses.TakeLast(5).Average() < 0.9 * losses.Take(5).Average(), $"loss {losses.Take(5).Average():F4} -> {losses.TakeLast(5).Average():F4}");
        Assert.True(align.TakeLast(5).Average() < 0.7 * align.Take(5).Average(), $"alignment {align.Take(5).Average():F4} -> {align.TakeLast(5).Average():F4}");
        Assert.True(File.Exists(Path.Combine(outcome.AdaptersFolder, "diffusion_pytorch_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(run.Path, "samples", "step-0000030", "00-audio.png")));
        var record = JsonlMetricSink.Read(Path.Combine(run.Path, "metrics.jsonl")).Last();
        Assert.Contains("loss/align", record.Values.Keys);
        Assert.Contains(record.Values.Keys, k => k.StartsWith("gate/down_blocks.0"));
        Assert.Contains("hierarchy/ambience", record.Values.Keys);
    }

    [Fact]
    public void A_resumed_run_reproduces_the_uninterrupted_losses_exactly()
    {
        using var straight = new TempFolder("train-straight");
        using var interrupted = new TempFolder("train-resumed");
        AdapterTrainer.Run(Settings(straight.Path, 12), ComputeTarget.Cpu);

        var first = AdapterTrainer.Run(Settings(interrupted.Path, 12), ComputeTarget.Cpu, shouldYield: () =>
            File.Exists(Path.Combine(interrupted.Path, "checkpoints", "step-0000005", "state.json")));
        var second = AdapterTrainer.Run(Settings(interrupted.Path, 12), ComputeTarget.Cpu);

        Assert.True(first.Yielded);
        Assert.Equal(5, first.Step);
        Assert.True(second.Completed);
        Assert.Equal(Losses(straight.Path), Losses(interrupted.Path));
    }

    [Fact]
    public void Each_training_step_leaves_no_tensor_behind_on_the_training_thread()
    {
        using var run = new TempFolder("train-live-counts");
        var liveAfterStep = new List<long>();

        AdapterTrainer.Run(Settings(run.Path, 8, 3) with { CheckpointEvery = 3, SampleEvery = 4 }, ComputeTarget.Cpu, progress: p =>
        {
            if (p.Phase.StartsWith("stage", StringComparison.Ordinal))
                liveAfterStep.Add(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        });

        // Step 1 creates the optimiser's moments, owned until the run ends; from then on every step (checkpoints at
        // 3 and 6 and sample images at 4 included) must free all it made, on this thread: a tensor left to the
        // finaliser would show here.
        Assert.Equal(8, liveAfterStep.Count);
        Assert.All(liveAfterStep.Skip(1), count => Assert.Equal(liveAfterStep[0], count));
    }

    private sealed class Listener : ITrainingListener
    {
        public List<TrainingSample> Samples { get; } = [];
        public List<(long Step, string Folder)> Checkpoints { get; } = [];
        public void SampleWritten(TrainingSample sample) => Samples.Add(sample);
        public void CheckpointWritten(long step, string folder) => Checkpoints.Add((step, folder));
    }

    [Fact]
    public void A_listener_hears_of_each_file_and_a_named_checkpoint_resumes_exactly_into_another_folder()
    {
        using var straight = new TempFolder("train-listened");
        using var resumed = new TempFolder("train-resumed-elsewhere");
        var listener = new Listener();
        AdapterTrainer.Run(Settings(straight.Path, 6), ComputeTarget.Cpu, listener: listener);
        var atFive = listener.Checkpoints.Single(c => c.Step == 5).Folder;

        var outcome = AdapterTrainer.Run(Settings(resumed.Path, 6) with { ResumeFrom = atFive }, ComputeTarget.Cpu);

        Assert.Equal([5L, 6L], listener.Checkpoints.Select(c => c.Step));
        Assert.All(listener.Checkpoints, c => Assert.True(File.Exists(Path.Combine(c.Folder, "state.json")), c.Folder));
        Assert.Equal(Path.Combine(atFive, "adapters"), AdapterTrainer.CheckpointAdapters(atFive));
        Assert.Equal([true, false], listener.Samples.Select(s => s.WithAudio));
        Assert.All(listener.Samples, s => Assert.True(s.Step == 6 && File.Exists(s.Path) && s.Prompt.Length > 0, s.Path));
        Assert.True(outcome.Completed);
        var record = Assert.Single(JsonlMetricSink.Read(Path.Combine(resumed.Path, "metrics.jsonl")));
        Assert.Equal(6, record.Step);
        Assert.Equal(Losses(straight.Path)[^1], record.Values["loss/total"]);
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight.Path, "adapters", "diffusion_pytorch_model.safetensors")),
            File.ReadAllBytes(Path.Combine(outcome.AdaptersFolder, "diffusion_pytorch_model.safetensors")));
    }

    [Fact]
    public void A_named_folder_that_is_no_checkpoint_is_refused()
    {
        using var run = new TempFolder("train-bad-resume");

        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(() =>
            AdapterTrainer.Run(Settings(run.Path, 2) with { ResumeFrom = run.Path }, ComputeTarget.Cpu));

        Assert.Contains("not a training checkpoint", error.Message);
        Assert.Null(AdapterTrainer.CheckpointAdapters(run.Path));
    }

    [Fact]
    public void Stage_two_is_refused_without_a_stage_one_result()
    {
        using var run = new TempFolder("train-refused");
        var demoAdapters = Path.Combine(SharedData.RepositoryRoot, "models", "demo", "adapters");
        AdapterTrainingSettings StageTwo(string? start) => Settings(run.Path, 3) with { Stage = 2, InitAdapters = start };

        var absent = Assert.Throws<InputException>(() => AdapterTrainer.Run(StageTwo(null), ComputeTarget.Cpu));
        var empty = Assert.Throws<InputException>(() => AdapterTrainer.Run(StageTwo(data.Dataset.Root), ComputeTarget.Cpu));
        var stageTwoResult = Assert.Throws<InputException>(() => AdapterTrainer.Run(StageTwo(demoAdapters), ComputeTarget.Cpu));
        var (code, _, error) = EngineCliTests.Run("train", "--stage", "2", "--dataset", data.Dataset.Root, "--output", run.Path);

        Assert.StartsWith("stage 2 starts from a stage-1 result", absent.Message);
        Assert.Contains("holds no adapter set", empty.Message);
        Assert.Contains("is not a stage-1 result (stage 2 wrote it)", stageTwoResult.Message);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: stage 2 starts from a stage-1 result", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(run.Path));
    }

    [Fact]
    public void Stage_two_trains_only_the_hierarchy_weights_and_gates()
    {
        using var stage1 = new TempFolder("train-stage1");
        using var stage2 = new TempFolder("train-stage2");
        var first = AdapterTrainer.Run(Settings(stage1.Path, 3), ComputeTarget.Cpu);

        var second = AdapterTrainer.Run(Settings(stage2.Path, 3) with { Stage = 2, InitAdapters = first.AdaptersFolder }, ComputeTarget.Cpu);
        Assert.Equal((1, 2), (AdapterFolder.ReadMetadata(first.AdaptersFolder).TrainingStage, AdapterFolder.ReadMetadata(second.AdaptersFolder).TrainingStage));

        using var before = Clap2Diffusion.Engine.Weights.SafeTensorsFile.Open(Path.Combine(first.AdaptersFolder, "diffusion_pytorch_model.safetensors"));
        using var after = Clap2Diffusion.Engine.Weights.SafeTensorsFile.Open(Path.Combine(second.AdaptersFolder, "diffusion_pytorch_model.safetensors"));
        foreach (var name in before.Names)
        {
            using var a = before.Load(name);
            using var b = after.Load(name);
            var changed = !a.eq(b).all().item<bool>();
            var tunable = name == "audio_encoder.hierarchy_weights" || name.EndsWith(".gate");
            Assert.True(changed == tunable || (!changed && tunable), $"{name} changed: {changed}");
            if (!tunable)
                Assert.False(changed, $"{name} should be frozen in stage 2");
        }
        Assert.DoesNotContain("loss/align", JsonlMetricSink.Read(Path.Combine(stage2.Path, "metrics.jsonl")).Last().Values.Keys);
    }

    [Fact]
    public void Stage_two_with_a_lora_rank_trains_the_lora_beside_the_gates_and_saves_it_in_the_peft_layout()
    {
        using var stage1 = new TempFolder("train-lora-stage1");
        using var stage2 = new TempFolder("train-lora-stage2");
        var first = AdapterTrainer.Run(Settings(stage1.Path, 2), ComputeTarget.Cpu);

        var second = AdapterTrainer.Run(Settings(stage2.Path, 3) with { Stage = 2, InitAdapters = first.AdaptersFolder, LoraRank = 2 }, ComputeTarget.Cpu);

        Assert.True(second.FrozenUnchanged);
        using var before = Clap2Diffusion.Engine.Weights.SafeTensorsFile.Open(Path.Combine(first.AdaptersFolder, "diffusion_pytorch_model.safetensors"));
        using var after = Clap2Diffusion.Engine.Weights.SafeTensorsFile.Open(Path.Combine(second.AdaptersFolder, "diffusion_pytorch_model.safetensors"));
        var loraKeys = after.Names.Where(n => n.Contains(".lora_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(loraKeys);
        Assert.DoesNotContain(before.Names, n => n.Contains(".lora_", StringComparison.Ordinal));
        foreach (var name in loraKeys.Where(n => n.EndsWith(".lora_B.weight", StringComparison.Ordinal)))
        {
            using var b = after.Load(name);
            Assert.True(b.abs().max().item<float>() > 0, $"{name} did not train");
        }
        foreach (var name in before.Names.Where(n => n != "audio_encoder.hierarchy_weights" && !n.EndsWith(".gate", StringComparison.Ordinal)))
        {
            using var a = before.Load(name);
            using var b = after.Load(name);
            Assert.True(a.eq(b).all().item<bool>(), $"{name} should be frozen in stage 2");
        }
        using var peft = Clap2Diffusion.Engine.Weights.SafeTensorsFile.Open(Path.Combine(second.AdaptersFolder, "pytorch_lora_weights.safetensors"));
        Assert.Equal(loraKeys.Order(), peft.Names.Order());
        var metrics = JsonlMetricSink.Read(Path.Combine(stage2.Path, "metrics.jsonl")).OrderBy(r => r.Step).ToList();
        Assert.True(metrics.Last().Values["lora/b_norm"] > 0);
    }

    [Fact]
    public void Missing_and_corrupt_files_are_skipped_and_reported()
    {
        using var dataset = new AudioCapsFixture(rows: 8);
        File.Delete(dataset.AudioOf(1));
        File.WriteAllBytes(dataset.AudioOf(2), "RIFF not really a wave file"u8.ToArray());
        File.Delete(dataset.ImageOf(3));
        File.WriteAllBytes(dataset.ImageOf(4), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        Clap2Diffusion.Engine.Audio.WavWriter.Write(dataset.AudioOf(5), new float[4800], 48000);
        using var run = new TempFolder("train-skips");

        var outcome = AdapterTrainer.Run(Settings(run.Path, 2) with { Dataset = dataset.Root }, ComputeTarget.Cpu);

        Assert.True(outcome.Completed);
        Assert.Equal(3, outcome.Report.Usable);
        var reasons = outcome.Report.Skipped.ToDictionary(s => s.Id, s => s.Reason);
        Assert.StartsWith("missing audio", reasons["1001"]);
        Assert.StartsWith("unreadable audio", reasons["1002"]);
        Assert.StartsWith("missing image", reasons["1003"]);
        Assert.StartsWith("unreadable image", reasons["1004"]);
        Assert.StartsWith("too short", reasons["1005"]);
        Assert.True(File.Exists(Path.Combine(run.Path, "dataset-report.json")));
    }

    [Fact]
    public void Alignment_loss_is_the_masked_mean_cosine_distance()
    {
        using var audio = tensor(new float[] { 1, 0, 0, 1, 1, 1 }).reshape(1, 3, 2);
        using var caption = tensor(new float[] { 1, 0, 1, 0, -1, -1 }).reshape(1, 3, 2);
        using var mask = tensor(new float[] { 1, 1, 0 }).reshape(1, 3);

        using var loss = AdapterTrainer.AlignmentLoss(audio, caption, mask, ones(1));

        // Positions 0 and 1 count: distances 1 - 1 = 0 and 1 - 0 = 1; position 2 is padding.
        Assert.Equal(0.5f, loss.item<float>(), 5);
    }

    [Fact]
    public void Level_loss_is_the_squared_distance_to_each_levels_target_over_rows_with_audio()
    {
        using var views = tensor(new float[] { 1, 0, 0, 1, 0, 0, /* row 2 */ 5, 5, 5, 5, 5, 5 }).reshape(2, 3, 2);
        using var targets = tensor(new float[] { 1, 0, 0, 0, 0, 0, /* row 2 */ 0, 0, 0, 0, 0, 0 }).reshape(2, 3, 2);

        using var loss = AdapterTrainer.LevelLoss(views, targets, tensor(new float[] { 1, 0 }));

        // Row 1: distances 0, 1 and 0 over three levels; row 2 was trained without audio and does not count.
        Assert.Equal(1f / 3, loss.item<float>(), 5);
    }

    [Fact]
    public void Bad_settings_are_refused_before_anything_loads()
    {
        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(() =>
            AdapterTrainer.Run(Settings("unused", 2) with { Stage = 3 }, ComputeTarget.Cpu));

        Assert.Contains("stage", error.Message);
    }
}
