using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Soak;
using Clap2Diffusion.Tests.Engine.Benchmarks;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>
/// A short version of issue 15's soak, the same code the full one runs: the engine's phases on this thread, then
/// the studio hosted in this process with jobs through its API (its memory and tensor figures are printed, and only
/// checked for being there; the full soak's are in the README).
/// </summary>
[Collection(ProcessTensorCountCollection.Name)]
public sealed class SoakToolTests
{
    [Fact]
    public async Task A_short_soak_trains_generates_evaluates_and_serves_web_jobs_in_one_process_with_finite_results()
    {
        var log = new StringWriter();
        var options = new SoakOptions { Plan = new SoakPlan(TrainingSteps: 4, Generations: 2, EvaluationPairs: 2, DenoisingSteps: 2), WebJobs = 4, Seed = 7 };

        var report = await SoakRun.RunAsync(options, TextWriter.Synchronized(log), CancellationToken.None);

        var printed = new StringWriter();
        report.Print(printed);
        var all = printed.ToString();
        Assert.True(report.Healthy, all);
        foreach (var (phase, units) in new[] { ("training", 4), ("generation", 2), ("evaluation", 2), ("web", 4) })
        {
            Assert.Equal(units, report[$"{phase}.units"]);
            Assert.Equal(0, report[$"{phase}.non_finite"]);
            Assert.True(report[$"{phase}.rss_100pct_mb"] > 0, all);
            Assert.Contains(report.Figures, f => f.Name == $"{phase}.units_off_baseline");
            Assert.True(report[$"{phase}.finalised_tensors"] == 0, all);
        }
        Assert.Equal((4, 4, 4, 0), (report.Load.Submitted, report.Load.Completed, report.Load.GalleryCount, report.Load.DuplicateIds));
        // No phase's work leaves a tensor behind per unit (prompts and captions are no longer cached by CLAP).
        foreach (var phase in new[] { "training", "generation", "evaluation", "web" })
            Assert.True(report[$"{phase}.units_off_baseline"] == 0, all);
        Assert.Contains("soak: web 4/4", log.ToString());
        Assert.Contains("SOAK HEALTHY", all);
    }

    [Fact]
    public void A_flat_image_is_told_from_one_with_any_other_pixel()
    {
        byte[] flat = [10, 20, 30, 10, 20, 30, 10, 20, 30];
        byte[] oneOff = [10, 20, 30, 10, 20, 30, 10, 20, 31];
        // Equal bytes within a pixel are not flatness: a grey image is flat, a red one too, a red-and-green one not.
        byte[] redThenGreen = [255, 0, 0, 0, 255, 0];

        Assert.Equal([true, false, false], [FlatImage.IsFlat(flat), FlatImage.IsFlat(oneOff), FlatImage.IsFlat(redThenGreen)]);
    }

    [Theory]
    [InlineData(new[] { "--web-jobs", "0" }, "--web-jobs must be a positive whole number.")]
    [InlineData(new[] { "--pairs" }, "--pairs needs a value.")]
    [InlineData(new[] { "--frobnicate" }, "Unknown option '--frobnicate'.")]
    public void Bad_arguments_are_named(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => SoakOptions.Parse(args)).Message);
}
