using System.Text.Json;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Training.Cache;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Training;

/// <summary>
/// A damaged feature-cache entry (a VAE latent full of NaN, as a bad disk or a broken encoder would leave it) is the
/// real way a non-finite loss reaches a run; these tests damage the cache a first run built and train on it.
/// </summary>
public sealed class NonFiniteStepTests(AdapterTrainerTests.Data data) : IClassFixture<AdapterTrainerTests.Data>
{
    private const string PoisonedId = "1004";

    private AdapterTrainingSettings Settings(string output, int steps, string cache) => new()
    {
        Dataset = data.Dataset.Root,
        Model = data.Model.Root,
        Output = output,
        Cache = cache,
        Steps = steps,
        BatchSize = 2,
        LearningRate = 3e-3,
        WarmupSteps = 2,
        AlignmentWeight = 1.0,
        CheckpointEvery = 1,
        KeepCheckpoints = 100,
        SampleEvery = 1000,
        SamplePairs = 1,
        SampleSteps = 2,
        Seed = 3,
    };

    [Fact]
    public void A_batch_with_a_non_finite_latent_is_skipped_leaving_weights_and_optimizer_state_bit_for_bit_unchanged()
    {
        using var warmup = new TempFolder("train-nan-warmup");
        using var run = new TempFolder("train-nan-one");
        var cache = Path.Combine(warmup.Path, "cache");
        var start = AdapterTrainer.Run(Settings(warmup.Path, 1, cache), ComputeTarget.Cpu);
        Poison(cache, id => id == PoisonedId);
        var listened = new List<NonFiniteStep>();

        var outcome = AdapterTrainer.Run(Settings(run.Path, 7, cache) with { InitAdapters = start.AdaptersFolder }, ComputeTarget.Cpu,
            listener: new SkipListener(listened));

        Assert.True(outcome.Completed);
        var records = JsonlMetricSink.Read(Path.Combine(run.Path, "metrics.jsonl")).OrderBy(r => r.Step).ToList();
        Assert.Equal(7, records.Count);
        var skippedSteps = records.Where(r => r.Values[AdapterTrainer.NonFiniteSkippedMetric] == 1).Select(r => r.Step).ToList();
        Assert.NotEmpty(skippedSteps);
        Assert.True(skippedSteps.Count < 7, "every step was skipped");
        Assert.Equal(skippedSteps, listened.Select(s => s.Step));
        Assert.All(listened, s => Assert.Contains(PoisonedId, s.ItemIds));
        Assert.Equal(skippedSteps.Count, records[^1].Values[AdapterTrainer.NonFiniteTotalMetric]);
        foreach (var record in records)
            Assert.Equal(skippedSteps.Contains(record.Step), !double.IsFinite(record.Values["loss/total"]));

        var logged = File.ReadAllLines(Path.Combine(run.Path, NonFiniteGuard.LogFile)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(skippedSteps, logged.Select(e => e.GetProperty("step").GetInt64()));
        Assert.All(logged, e => Assert.Equal("loss", e.GetProperty("cause").GetString()));
        foreach (var (entry, step) in logged.Zip(skippedSteps))
        {
            Assert.Contains(PoisonedId, entry.GetProperty("items").EnumerateArray().Select(i => i.GetString()));
            var lastFinite = records.Where(r => r.Step < step && !skippedSteps.Contains(r.Step)).Select(r => r.Values["loss/total"]).LastOrDefault(double.NaN);
            if (double.IsFinite(lastFinite))
                Assert.Equal(lastFinite, entry.GetProperty("last_finite_loss").GetDouble());
        }

        foreach (var step in skippedSteps)
        {
            var after = Checkpoint(run.Path, step);
            var (adaptersBefore, optimizerBefore) = step == 1
                ? (Path.Combine(start.AdaptersFolder, "diffusion_pytorch_model.safetensors"), null)
                : Checkpoint(run.Path, step - 1);
            AssertSameTensors(adaptersBefore, after.Adapters);
            if (optimizerBefore is null)
                AssertEmptyOptimizer(after.Optimizer);
            else
                AssertSameTensors(optimizerBefore, after.Optimizer, sameStepCount: true);
        }
        var trained = Enumerable.Range(2, 6).First(s => !skippedSteps.Contains(s));
        Assert.False(SameTensors(Checkpoint(run.Path, trained - 1).Adapters, Checkpoint(run.Path, trained).Adapters), "a finite step changes the weights");
    }

    [Fact]
    public void A_run_whose_every_batch_is_poisoned_fails_after_twenty_skipped_steps_with_the_reason()
    {
        using var warmup = new TempFolder("train-nan-warmup-all");
        using var run = new TempFolder("train-nan-all");
        var cache = Path.Combine(warmup.Path, "cache");
        AdapterTrainer.Run(Settings(warmup.Path, 1, cache), ComputeTarget.Cpu);
        Poison(cache, _ => true);

        var error = Assert.Throws<NonFiniteTrainingException>(() =>
            AdapterTrainer.Run(Settings(run.Path, 30, cache) with { CheckpointEvery = 500 }, ComputeTarget.Cpu));

        Assert.Contains("training stopped at step 20: 20 consecutive steps had a non-finite loss", error.Message);
        Assert.Equal(20, error.Last.Step);
        Assert.Equal(2, error.Last.ItemIds.Count);
        var records = JsonlMetricSink.Read(Path.Combine(run.Path, "metrics.jsonl")).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(s => (long)s), records.Select(r => r.Step));
        Assert.All(records, r => Assert.Equal(1, r.Values[AdapterTrainer.NonFiniteSkippedMetric]));
        Assert.Equal(20, File.ReadAllLines(Path.Combine(run.Path, NonFiniteGuard.LogFile)).Length);
    }

    [Fact]
    public void A_limit_below_one_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(() =>
            (Settings("unused", 1, "unused") with { MaxNonFiniteSteps = 0 }).Validate());

        Assert.Contains("max_non_finite_steps", error.Message);
    }

    /// <summary>Rewrites the cache's shards with every VAE mean of the chosen clips replaced by NaN.</summary>
    private void Poison(string cacheRoot, Func<string, bool> poisoned)
    {
        var keys = AudioCapsDataset.ReadSplit(new AudioCapsLayout(data.Dataset.Root), "train")
            .Where(e => poisoned(e.AudiocapId)).Select(FeatureCache.SampleKey).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(keys);
        var shards = Directory.GetFiles(Assert.Single(Directory.GetDirectories(cacheRoot)), "shard-*.safetensors");
        var replaced = 0;
        using var nan = float.NaN.ToScalar();
        foreach (var shard in shards)
        {
            using var scope = NewDisposeScope();
            Dictionary<string, Tensor> tensors;
            using (var file = SafeTensorsFile.Open(shard))
                tensors = file.Names.ToDictionary(n => n, n => file.Load(n));
            foreach (var name in tensors.Keys.ToList())
                if (name.EndsWith(".vae_mean", StringComparison.Ordinal) && keys.Contains(name[..name.IndexOf('.')]))
                {
                    tensors[name] = full_like(tensors[name], nan);
                    replaced++;
                }
            SafeTensorsWriter.Save(shard, tensors);
        }
        Assert.Equal(keys.Count, replaced);
    }

    private static (string Adapters, string Optimizer) Checkpoint(string run, long step)
    {
        var folder = Path.Combine(run, "checkpoints", $"step-{step:D7}");
        return (Path.Combine(folder, "adapters", "diffusion_pytorch_model.safetensors"), Path.Combine(folder, "optimizer.safetensors"));
    }

    private static bool SameTensors(string a, string b)
    {
        using var scope = NewDisposeScope();
        using var first = SafeTensorsFile.Open(a);
        using var second = SafeTensorsFile.Open(b);
        return first.Names.Order().SequenceEqual(second.Names.Order())
            && first.Names.All(n => first.Load(n).bytes.SequenceEqual(second.Load(n).bytes));
    }

    private static void AssertSameTensors(string before, string after, bool sameStepCount = false)
    {
        Assert.True(SameTensors(before, after), $"{after} differs from {before}");
        if (!sameStepCount)
            return;
        using var first = SafeTensorsFile.Open(before);
        using var second = SafeTensorsFile.Open(after);
        Assert.Equal(first.Metadata["step"], second.Metadata["step"]);
    }

    private static void AssertEmptyOptimizer(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        Assert.Empty(file.Names);
        Assert.Equal("0", file.Metadata["step"]);
    }

    private sealed class SkipListener(List<NonFiniteStep> skipped) : ITrainingListener
    {
        public void SampleWritten(TrainingSample sample)
        {
        }

        public void CheckpointWritten(long step, string folder)
        {
        }

        public void StepSkipped(NonFiniteStep step) => skipped.Add(step);
    }
}
