using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Engine;

[Collection(SmokeEngineCollection.Name)]
public sealed class EngineTrainingBackendTests(SmokeEngine engine)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void A_run_reports_every_step_samples_and_checkpoints_that_check_out()
    {
        var (work, reporter, outcome) = engine.StraightRun();

        Assert.Equal(new TrainingRunOutcome(TrainingRunEnd.Completed, 4), outcome);
        Assert.Equal([1L, 2, 3, 4], reporter.Records.Select(r => r.Step));
        Assert.All(reporter.Records, r =>
        {
            Assert.Equal(MetricRecord.TrainingKind, r.Kind);
            Assert.True(double.IsFinite(r.Values["loss/total"]) && r.Values["loss/total"] > 0);
            Assert.Contains("loss/align", r.Values.Keys);
            Assert.Contains("lr", r.Values.Keys);
            Assert.Contains(r.Values.Keys, k => k.StartsWith("gate/", StringComparison.Ordinal));
            Assert.Contains("hierarchy/foreground", r.Values.Keys);
        });
        Assert.Equal([4L, 4], reporter.Samples.Select(s => s.Step));
        Assert.All(reporter.Samples, s => Assert.Equal(PngSignature, s.Png[..8]));
        Assert.Contains(reporter.Samples, s => s.Caption!.Contains("+ sound: ", StringComparison.Ordinal));
        Assert.Contains(reporter.Samples, s => s.Caption!.EndsWith("(text only)", StringComparison.Ordinal));
        Assert.Equal([2L, 4], reporter.Checkpoints.Select(c => c.Step));
        var last = reporter.Checkpoints[^1].Folder;
        Assert.StartsWith(work.OutputFolder, last);
        var check = engine.Manager(engine.Models()).Check(last, ModelComponent.Adapters);
        Assert.True(check.Ok, string.Join("; ", check.Components.SelectMany(c => c.Problems)));
    }

    [Fact]
    public void A_yielded_run_resumes_from_its_checkpoint_and_ends_with_the_uninterrupted_weights()
    {
        var straight = engine.StraightRun();
        var backend = engine.Training(engine.Models());
        var first = engine.NewWork(engine.Settings);
        var before = new RecordingReporter();

        var yielded = backend.Run(first, before, () => true, CancellationToken.None);
        var checkpoint = Assert.Single(before.Checkpoints);
        var after = new RecordingReporter();
        var resumed = backend.Run(first with { ResumeFrom = checkpoint.Folder, StartStep = checkpoint.Step }, after, () => false, CancellationToken.None);

        Assert.Equal(new TrainingRunOutcome(TrainingRunEnd.Yielded, 1), yielded);
        Assert.Equal(1, checkpoint.Step);
        Assert.Equal(new TrainingRunOutcome(TrainingRunEnd.Completed, 4), resumed);
        Assert.Equal([2L, 3, 4], after.Records.Select(r => r.Step));
        Assert.Equal(straight.Reporter.Records.Select(r => r.Values["loss/total"]), before.Records.Concat(after.Records).Select(r => r.Values["loss/total"]));
        AssertSameTensors(Weights(straight.Reporter.Checkpoints[^1].Folder), Weights(after.Checkpoints[^1].Folder));
    }

    [Fact]
    public void Cancelling_stops_at_the_step_boundary_keeps_a_checkpoint_and_throws()
    {
        using var cancellation = new CancellationTokenSource();
        var reporter = new RecordingReporter { OnWrite = record => { if (record.Step == 1) cancellation.Cancel(); } };
        var backend = engine.Training(engine.Models());

        Assert.ThrowsAny<OperationCanceledException>(() => backend.Run(engine.NewWork(engine.Settings), reporter, () => false, cancellation.Token));

        Assert.Equal([1L], reporter.Records.Select(r => r.Step));
        Assert.Equal(1, Assert.Single(reporter.Checkpoints).Step);
    }

    [Fact]
    public void Validate_counts_usable_rows_and_names_the_files_it_skips()
    {
        using var dataset = new TempFolder("dataset");
        Directory.CreateDirectory(Path.Combine(dataset.Path, "audio"));
        Directory.CreateDirectory(Path.Combine(dataset.Path, "images"));
        File.WriteAllText(Path.Combine(dataset.Path, "train.csv"),
            "audiocap_id,youtube_id,start_time,caption\n1,ok,0,a dog barks\n2,noaudio,0,rain\n3,noimage,0,wind\n4,empty,0,a bell\n");
        foreach (var stem in new[] { "ok_0", "noimage_0" })
            File.WriteAllBytes(Path.Combine(dataset.Path, "audio", stem + ".wav"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dataset.Path, "audio", "empty_0.wav"), []);
        foreach (var stem in new[] { "ok_0", "noaudio_0", "empty_0" })
            File.WriteAllBytes(Path.Combine(dataset.Path, "images", stem + ".png"), [1, 2, 3]);

        var report = engine.Training(engine.Models()).Validate(engine.Settings with { DatasetFolder = dataset.Path, SampleLimit = null });

        Assert.True(report.CanTrain, string.Join("; ", report.Problems));
        Assert.Equal(1, report.Usable);
        Assert.Equal(["audio/noaudio_0.*", "images/noimage_0.*", "audio/empty_0.wav"], report.Skipped.Select(s => s.File));
        Assert.Contains("no clip", report.Skipped[0].Reason);
        Assert.Contains("no frame", report.Skipped[1].Reason);
        Assert.Contains("empty", report.Skipped[2].Reason);
    }

    [Fact]
    public void Validate_turns_missing_and_garbage_folders_and_bad_settings_into_problems()
    {
        using var garbage = new TempFolder("garbage");
        File.WriteAllBytes(Path.Combine(garbage.Path, "train.csv"), [0xFF, 0xFE, 0, 1, 2, 0x0A, 0x22]);
        Directory.CreateDirectory(Path.Combine(garbage.Path, "audio"));
        Directory.CreateDirectory(Path.Combine(garbage.Path, "images"));
        using var empty = new TempFolder("empty");
        var backend = engine.Training(engine.Models());

        var missing = backend.Validate(engine.Settings with { DatasetFolder = Path.Combine(empty.Path, "absent") });
        var bare = backend.Validate(engine.Settings with { DatasetFolder = empty.Path });
        var unreadable = backend.Validate(engine.Settings with { DatasetFolder = garbage.Path });
        var badSettings = backend.Validate(engine.Settings with { Steps = 0, LearningRate = double.NaN });

        Assert.Contains("does not exist", Assert.Single(missing.Problems));
        Assert.Contains(bare.Problems, p => p.Contains("train.csv", StringComparison.Ordinal));
        Assert.Contains(bare.Problems, p => p.Contains("audio/", StringComparison.Ordinal));
        Assert.False(unreadable.CanTrain);
        Assert.NotEmpty(unreadable.Problems);
        Assert.Contains(badSettings.Problems, p => p.StartsWith("Steps", StringComparison.Ordinal));
        Assert.Contains(badSettings.Problems, p => p.Contains("learning rate", StringComparison.Ordinal));
        Assert.Equal(4, badSettings.Usable);
    }

    [Fact]
    public void Stage_two_needs_a_named_stage_one_result_trained_on_the_same_base_model()
    {
        var models = engine.Models();
        var backend = engine.Training(models);
        var stageOne = engine.StraightRun().Reporter.Checkpoints[^1].Folder;
        var stage2 = engine.Settings with { Stage = 2, StageOneResult = stageOne };

        var fromStageOne = backend.Validate(stage2);
        var otherBase = backend.Validate(stage2 with { BaseModelFolder = engine.CorruptModelFolder });
        var unnamed = backend.Validate(stage2 with { StageOneResult = null });
        var fromStageTwo = backend.Validate(stage2 with { StageOneResult = models.Current.Adapters });

        Assert.True(fromStageOne.CanTrain, string.Join("; ", fromStageOne.Problems));
        Assert.Equal(stageOne, backend.EngineSettings(stage2, models.Current, engine.Work, false, null).InitAdapters);
        Assert.Contains("Stage 2 starts from a stage-1 result", Assert.Single(unnamed.Problems));
        Assert.Contains(fromStageTwo.Problems, p => p.Contains("is not a stage-1 result (stage 2 wrote it)", StringComparison.Ordinal));
        Assert.Contains(otherBase.Problems, p => p.Contains("trained on base model", StringComparison.Ordinal));
    }

    private static Dictionary<string, float[]> Weights(string checkpoint)
    {
        using var file = SafeTensorsFile.Open(Path.Combine(checkpoint, "adapters", "diffusion_pytorch_model.safetensors"));
        return file.Names.ToDictionary(n => n, n =>
        {
            using var tensor = file.Load(n, TorchSharp.torch.ScalarType.Float32);
            return tensor.data<float>().ToArray();
        });
    }

    private static void AssertSameTensors(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            Assert.True(values.SequenceEqual(actual[name]), $"{name} differs after the resume");
    }
}
