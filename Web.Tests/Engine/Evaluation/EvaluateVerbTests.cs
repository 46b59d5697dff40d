using System.CommandLine;
using System.Text.Json;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Cli.Verbs;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class EvaluateVerbTests : IDisposable
{
    private readonly TempFolder folder = new("eval-verb");
    private GroundTruthPairGenerator? generator;

    public void Dispose() => folder.Dispose();

    // The verb with the ground-truth double plugged in, as the program will plug in the pipeline.
    private (int Code, string Out, string Error) Evaluate(int perRelation, long seed, int? limit, bool terminal, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var cli = new CliContext(output, error, terminal);
        EvaluationGeneratorFactory factory = options =>
        {
            Assert.True(options.DemoWorld);
            return generator = GroundTruthPairGenerator.For(new DemoEvaluationSource(perRelation, seed, limit));
        };
        var root = new RootCommand { EvaluateVerb.Create(cli, factory) };
        var code = root.Parse(["evaluate", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_limited_run_generates_only_the_first_cases_and_prints_a_json_summary()
    {
        var report = folder.File("limited");

        var (code, output, error) = Evaluate(2, 4, 3, false,
            "--per-relation", "2", "--seed", "4", "--limit", "3", "--variants", "audio,text_only", "--out", report, "--json", "--steps", "20", "--no-classifier");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal(6, generator!.Requests.Count);
        Assert.Equal(["matching-000", "complementary-000", "creative-000"], generator.Requests.Select(r => r.CaseId).Distinct());
        Assert.True(generator.Disposed);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("cases").GetInt32());
        Assert.Equal(6, json.RootElement.GetProperty("images").GetInt32());
        Assert.Equal("NO CHECKS", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(["NOT MEASURED"], json.RootElement.GetProperty("criteria").EnumerateArray().Select(c => c.GetProperty("status").GetString()).Distinct());
        Assert.Equal(4, json.RootElement.GetProperty("criteria").GetArrayLength());
        Assert.Equal(["text_only", "audio"], json.RootElement.GetProperty("variants").EnumerateArray().Select(v => v.GetString()));
        Assert.True(File.Exists(json.RootElement.GetProperty("report").GetString()));
        Assert.Equal("limited", json.RootElement.GetProperty("run").GetString());
        var record = Assert.Single(JsonlMetricSink.Read(Path.Combine(report, "metrics.jsonl")));
        Assert.Equal((MetricRecord.EvaluationKind, "limited"), (record.Kind, record.Run));
        Assert.Contains("generating 6/6 (100%)", error);
        Assert.Contains("no demo classifier", error);
        Assert.DoesNotContain("\r", error);
    }

    [Fact]
    public void Failed_checks_exit_1_with_the_checks_and_the_labelled_domain_fid_in_the_text()
    {
        var classifier = folder.File("classifier");
        using (var model = new SceneAttributeClassifier(SceneLabels.DefaultConfig() with { Channels = [4, 8], ImageSize = 32 }))
            SceneClassifierFolder.Save(model, classifier);

        var (code, output, error) = Evaluate(25, 0, 4, true,
            "--limit", "4", "--classifier", classifier, "--variants", "text_only,audio", "--out", folder.File("failing"));

        Assert.True(code == ExitCodes.Failure, error);
        Assert.Contains("FAIL    test pairs per relation: fewest: 1", output);
        Assert.Contains("domain FID (demo classifier features), not FID of audio images (N=4) against 'demo ground truth, rendered afresh (seed 0)' (N=4)", output);
        Assert.Contains("verdict: FAIL", output);
        Assert.Contains("NOT MEASURED (a) FID with audio below FID text-only (minimum goal): not measured: no Inception weights were given", output);
        Assert.Contains("NOT MEASURED (b) FID with audio below 30: not measured:", output);
        Assert.Contains("\rgenerating   [", error);
        Assert.Contains("4 cases, 8 images", output);
    }

    [Fact]
    public void The_composed_variant_is_reported_per_relation_beside_audio_with_object_and_scene_accuracy()
    {
        var classifier = folder.File("classifier-composed");
        using (var model = new SceneAttributeClassifier(SceneLabels.DefaultConfig() with { Channels = [4, 8], ImageSize = 32 }))
            SceneClassifierFolder.Save(model, classifier);
        var report = folder.File("composed");

        var (_, output, _) = Evaluate(25, 0, 4, false,
            "--limit", "4", "--classifier", classifier, "--variants", "audio_composed,audio", "--contradictory-strength", "0.5", "--out", report);

        Assert.Contains("4 cases, 8 images", output);
        var header = output.Split('\n').Single(l => l.StartsWith("scope ", StringComparison.Ordinal));
        Assert.Contains("object", header);
        Assert.Contains("scene", header);
        foreach (var relation in new[] { "matching", "complementary", "creative", "contradictory" })
        {
            Assert.Contains(output.Split('\n'), l => l.StartsWith(relation, StringComparison.Ordinal) && l.Contains(" audio ", StringComparison.Ordinal));
            Assert.Contains(output.Split('\n'), l => l.StartsWith(relation, StringComparison.Ordinal) && l.Contains(" audio_composed ", StringComparison.Ordinal));
        }
        var summary = File.ReadAllText(Path.Combine(report, "summary.md"));
        Assert.Contains("## The composition strategy (audio_composed against audio, %)", summary);
        Assert.Contains("| scope | n | object, audio | object, composed | object, change (points) | scene, audio | scene, composed | scene, change (points) |", summary);
        Assert.Contains("| contradictory | 1 |", summary);
        // The composed variant is no ablation: with only audio beside it there is no ablation table.
        Assert.DoesNotContain("## Ablations", summary);
    }

    [Fact]
    public void Without_a_generator_the_verb_says_why_and_exits_1()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var cli = new CliContext(output, errors, errorIsTerminal: false);
        var root = new System.CommandLine.RootCommand { EvaluateVerb.Create(cli) };
        var code = root.Parse(["evaluate", "--limit", "1", "--out", folder.File("none")]).Invoke();
        var error = errors.ToString();

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("no image generator", error);
        Assert.False(Directory.Exists(folder.File("none")));
    }

    [Theory]
    [InlineData("--limit", "0")]
    [InlineData("--limit", "many")]
    [InlineData("--per-relation", "0")]
    [InlineData("--world", "mars")]
    [InlineData("--split", "test")]
    [InlineData("--steps", "0")]
    [InlineData("--seed", "-3")]
    [InlineData("--variants", "loud")]
    [InlineData("--dataset", "/no/such/dataset")]
    public void Bad_options_exit_2_with_a_message(string option, string value)
    {
        var (code, _, error) = EngineCliTests.Run("evaluate", option, value, "--out", folder.File("bad"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("evaluate", "-0.1")]
    [InlineData("evaluate", "1.5")]
    [InlineData("evaluate", "NaN")]
    [InlineData("generate", "2")]
    [InlineData("generate", "-1")]
    public void A_contradictory_strength_outside_0_to_1_exits_2_naming_the_option(string verb, string value)
    {
        var (code, _, error) = verb == "evaluate"
            ? EngineCliTests.Run("evaluate", "--contradictory-strength", value, "--out", folder.File("strength"))
            : EngineCliTests.Run("generate", "--prompt", "a red circle", "--contradictory-strength", value, "--out", folder.File("strength.png"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: --contradictory-strength must lie in 0..1", error);
        Assert.False(Directory.Exists(folder.File("strength")));
    }

    [Fact]
    public void A_folder_that_holds_a_report_is_not_overwritten_and_the_verb_is_listed()
    {
        Directory.CreateDirectory(folder.File("old"));
        File.WriteAllText(folder.File(Path.Combine("old", ReportWriter.ReportFile)), "{}");

        var (code, _, error) = EngineCliTests.Run("evaluate", "--out", folder.File("old"));
        var (_, help, _) = EngineCliTests.Run("--help");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("already holds an evaluation report", error);
        Assert.Contains("evaluate", help);
        Assert.Contains("--world and --dataset exclude each other",
            EngineCliTests.Run("evaluate", "--world", "demo", "--dataset", folder.Path).Error);
    }
}
