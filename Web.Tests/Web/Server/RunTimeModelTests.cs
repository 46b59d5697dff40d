using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class RunTimeModelTests
{
    private static readonly GenerationSettings Pair = new() { Prompt = "x", Steps = 10, Width = 500, Height = 400 };

    [Fact]
    public void A_workers_reported_generate_stage_teaches_the_estimate()
    {
        var model = new RunTimeModel();
        var before = model.Estimate(Pair, JobKind.Pair);

        // 20 steps (a pair's two loops of 10) on 0.2 megapixels in 4 s: 1 s per step per megapixel... then 0.5 s.
        model.Learn(Pair, JobKind.Pair, [new StageTiming("decode audio", 30), new StageTiming("generate", 2_000)]);

        Assert.Equal(0.5 + 20 * 1.0 * 0.2, before.TotalSeconds, 6);
        Assert.Equal(0.5 + 20 * 0.5 * 0.2, model.Estimate(Pair, JobKind.Pair).TotalSeconds, 6);
    }

    [Fact]
    public void Later_jobs_move_the_estimate_part_way_and_an_edit_counts_only_the_steps_it_runs()
    {
        var model = new RunTimeModel();
        model.Learn(Pair, steps: 10, TimeSpan.FromSeconds(2));
        model.Learn(Pair, steps: 10, TimeSpan.FromSeconds(4));
        var edit = Pair with { InitImage = "abc", Strength = 0.5 };

        // 0.7 x 1 + 0.3 x 2 s per step per megapixel; the edit runs 5 of its 10 steps.
        Assert.Equal(0.5 + 5 * 1.3 * 0.2, model.Estimate(edit, JobKind.TextOnly).TotalSeconds, 6);
    }
}
