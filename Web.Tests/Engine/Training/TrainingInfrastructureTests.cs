using Clap2Diffusion.Engine.Training.Checkpoints;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Engine.Training.Optim;
using Clap2Diffusion.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Training;

public sealed class TrainingInfrastructureTests : IDisposable
{
    private readonly TempFolder folder = new("training");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void AdamW_first_step_matches_the_formula()
    {
        using var weight = new TorchSharp.Modules.Parameter(tensor(new float[] { 1f, -2f }));
        using var optimizer = new AdamW([("w", weight)], weightDecay: 0.1);
        weight.grad = tensor(new float[] { 0.5f, -4f });

        optimizer.Update(learningRate: 0.01);

        // Decay first: w(1 - lr*wd); then m-hat = g and v-hat = g^2, so the step is lr * g / (|g| + eps).
        var expected = new[] { 1 * (1 - 0.001) - 0.01 * 0.5 / (0.5 + 1e-8), -2 * (1 - 0.001) - 0.01 * -4 / (4 + 1e-8) };
        var actual = weight.data<float>().ToArray();
        Assert.Equal(expected[0], actual[0], 6);
        Assert.Equal(expected[1], actual[1], 6);
        Assert.Equal(1, optimizer.Step);
    }

    [Fact]
    public void AdamW_resumed_from_its_state_continues_bit_for_bit()
    {
        float[] Run(bool interrupt)
        {
            using var weight = new TorchSharp.Modules.Parameter(tensor(new float[] { 0.3f, 0.7f, -1.1f }));
            var optimizer = new AdamW([("w", weight)]);
            for (var step = 0; step < 6; step++)
            {
                if (interrupt && step == 3)
                {
                    var (tensors, count) = optimizer.State();
                    var copies = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
                    optimizer.Dispose();
                    optimizer = new AdamW([("w", weight)]);
                    optimizer.LoadState(copies, count);
                }
                weight.grad = weight.detach() * weight.detach() - 0.1f * (step + 1);
                optimizer.Update(0.05);
            }
            optimizer.Dispose();
            return weight.data<float>().ToArray();
        }

        Assert.Equal(Run(interrupt: false), Run(interrupt: true));
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(9, 1.0)]
    [InlineData(10, 1.0)]
    [InlineData(55, 0.5)]
    [InlineData(100, 0.0)]
    public void Warmup_then_cosine(long step, double expectedFactor)
    {
        var schedule = new LearningRateSchedule(1e-4, WarmupSteps: 10, TotalSteps: 100, Decay: "cosine");

        Assert.Equal(1e-4 * expectedFactor, schedule.At(step), 12);
    }

    [Fact]
    public void A_checkpoint_that_fails_midway_leaves_the_last_good_one_in_place()
    {
        var store = new CheckpointStore(folder.File("checkpoints"), keep: 2);
        store.Save(100, dir => File.WriteAllText(Path.Combine(dir, "weights.txt"), "100"));

        Assert.Throws<IOException>(() => store.Save(200, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "weights.txt"), "half");
            throw new IOException("disk full");
        }));

        var latest = store.Latest();
        Assert.Equal(100, latest!.Value.Step);
        Assert.Equal("100", File.ReadAllText(Path.Combine(latest.Value.Path, "weights.txt")));
        Assert.Single(Directory.GetDirectories(store.Folder));
    }

    [Fact]
    public void Old_checkpoints_are_pruned_to_the_kept_count()
    {
        var store = new CheckpointStore(folder.File("checkpoints"), keep: 2);
        foreach (var step in new long[] { 10, 20, 30, 40 })
            store.Save(step, dir => File.WriteAllText(Path.Combine(dir, "x"), step.ToString()));

        Assert.Equal(["step-0000030", "step-0000040"], store.All().Select(Path.GetFileName));
        Assert.Equal(40, store.Latest()!.Value.Step);
    }

    [Fact]
    public void Metrics_jsonl_round_trips_and_survives_a_cut_last_line()
    {
        var path = folder.File("metrics.jsonl");
        using (var sink = new JsonlMetricSink(path))
        {
            sink.Write(new MetricRecord("run", MetricRecord.TrainingKind, 1, DateTimeOffset.UnixEpoch, new Dictionary<string, double> { ["loss/diffusion"] = 0.25, ["lr"] = double.NaN }));
            sink.Write(new MetricRecord("run", MetricRecord.TrainingKind, 2, DateTimeOffset.UnixEpoch, new Dictionary<string, double> { ["loss/diffusion"] = 0.2 }));
        }
        File.AppendAllText(path, "{\"run\":\"run\",\"kind\":\"tr");

        var records = JsonlMetricSink.Read(path).ToList();

        Assert.Equal([1L, 2L], records.Select(r => r.Step));
        Assert.Equal(0.25, records[0].Values["loss/diffusion"]);
        Assert.True(double.IsNaN(records[0].Values["lr"]));
    }
}
