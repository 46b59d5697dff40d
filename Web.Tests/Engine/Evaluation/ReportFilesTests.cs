using System.Text.Json;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class ReportFilesTests
{
    [Fact]
    public void The_report_folder_holds_parseable_json_a_summary_charts_a_grid_and_every_image()
    {
        using var folder = new TempFolder("eval-report");

        var run = DemoRun.Execute(folder.Path, perRelation: 3);

        using var json = JsonDocument.Parse(File.ReadAllText(folder.File(ReportWriter.ReportFile)));
        var root = json.RootElement;
        Assert.Equal(EvaluationReport.FormatName, root.GetProperty("format").GetString());
        Assert.Equal("FAIL", root.GetProperty("verdict").GetString());
        Assert.Equal(12, root.GetProperty("cases").GetArrayLength());
        foreach (var evaluationCase in root.GetProperty("cases").EnumerateArray())
        {
            var images = evaluationCase.GetProperty("images");
            Assert.Equal(PairVariants.All.Count, images.GetArrayLength());
            foreach (var image in images.EnumerateArray())
            {
                var path = folder.File(image.GetProperty("file").GetString()!);
                var png = PngReader.Read(path);
                Assert.Equal(evaluationCase.GetProperty("id").GetString(), png.Text("Case"));
                Assert.Equal(image.GetProperty("variant").GetString(), png.Text("Variant"));
                Assert.Equal(evaluationCase.GetProperty("prompt").GetString(), png.Text("Prompt"));
                Assert.Equal(5, image.GetProperty("predicted").EnumerateObject().Count());
            }
        }
        var group = root.GetProperty("groups").EnumerateArray().First(g =>
            g.GetProperty("scope").GetString() == "complementary" && g.GetProperty("variant").GetString() == "audio");
        var foreground = group.GetProperty("metrics").GetProperty("accuracy/foreground");
        Assert.Equal(run.Mean("complementary", PairVariant.Audio, "accuracy/foreground"), foreground.GetProperty("mean").GetDouble(), 12);
        Assert.True(foreground.GetProperty("low").GetDouble() <= foreground.GetProperty("high").GetDouble());
        Assert.Equal(10, root.GetProperty("checks").GetArrayLength());

        var summary = File.ReadAllText(folder.File(ReportWriter.SummaryFile));
        Assert.Contains("## Acceptance checks", summary);
        Assert.Contains("FAIL    test pairs per relation: fewest: 3", summary);
        Assert.Contains("| complementary | audio | 3 | 100.0 [100.0, 100.0]", summary);
        Assert.Contains("## Ablations against audio", summary);

        string[] charts = ["charts/accuracy-all.png", "charts/accuracy-complementary.png", "charts/ablations.png"];
        foreach (var chart in charts)
        {
            Assert.Contains(chart, summary);
            var image = RgbImage.Load(folder.File(chart));
            Assert.True(image.Width >= 520 && image.Height == 380);
            Assert.True(image.Pixels.Distinct().Count() > 10, $"{chart} is blank");
        }
        var grid = RgbImage.Load(folder.File(ReportWriter.GridFile));
        Assert.Equal(6 + 280 + PairVariants.All.Count * (ImageGrid.CellSize + 6), grid.Width);
        Assert.Equal(34 + 8 * (ImageGrid.CellSize + 6) + 6, grid.Height);
    }

    [Fact]
    public void One_eval_record_goes_through_the_metric_sink()
    {
        using var folder = new TempFolder("eval-sink");

        var run = DemoRun.Execute(folder.Path, perRelation: 1, variants: [PairVariant.TextOnly, PairVariant.Audio]);

        var record = Assert.Single(run.Sink.Records);
        Assert.Equal(MetricRecord.EvaluationKind, record.Kind);
        Assert.Equal("test-run", record.Run);
        Assert.Equal(1.0, record.Values["complementary/audio/accuracy/foreground"]);
        Assert.Equal(run.Mean("all", PairVariant.TextOnly, "accuracy/object"), record.Values["all/text_only/accuracy/object"]);
        Assert.True(record.Values.ContainsKey("complementary/audio-text_only/accuracy/ambience"));
        Assert.Equal(0, record.Values["check/pairs-per-relation"]);
        Assert.DoesNotContain(record.Values.Keys, k => k.StartsWith("check/routing", StringComparison.Ordinal));
    }
}
