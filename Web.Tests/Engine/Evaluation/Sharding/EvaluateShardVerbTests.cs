using System.CommandLine;
using System.Text.Json;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Cli.Verbs;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Evaluation.Sharding;

/// <summary><c>evaluate --shard K/N --shard-out FILE</c> on two workers, then <c>evaluate merge</c>, against <c>evaluate</c> on one.</summary>
public sealed class EvaluateShardVerbTests : IDisposable
{
    private readonly TempFolder folder = new("eval-shard-verb");

    public void Dispose() => folder.Dispose();

    private static (int Code, string Out, string Error) Evaluate(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var cli = new CliContext(output, error, false);
        EvaluationGeneratorFactory factory = _ => GroundTruthPairGenerator.For(new DemoEvaluationSource(1, 3));
        var root = new RootCommand { EvaluateVerb.Create(cli, factory) };
        var code = root.Parse(["evaluate", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Common(string output) =>
        ["--per-relation", "1", "--seed", "3", "--variants", "text_only,audio,shuffled_audio", "--no-classifier", "--run", "cli", "--out", output];

    [Fact]
    public void Two_shards_and_a_merge_write_the_report_of_one_run()
    {
        var (wholeCode, _, wholeError) = Evaluate(Common(folder.File("whole")));
        var (firstCode, firstOut, firstError) = Evaluate([.. Common(folder.File("w1")), "--shard", "1/2", "--shard-out", folder.File("w1/shard.json")]);
        var (secondCode, _, secondError) = Evaluate([.. Common(folder.File("w2")), "--shard", "2/2", "--shard-out", folder.File("w2/shard.json")]);
        var (mergeCode, mergeOut, mergeError) = Evaluate("merge", "--out", folder.File("merged"), "--json", folder.File("w2/shard.json"), folder.File("w1/shard.json"));

        Assert.True(wholeCode == ExitCodes.Success, wholeError);
        Assert.True(firstCode == ExitCodes.Success, firstError);
        Assert.True(secondCode == ExitCodes.Success, secondError);
        Assert.True(mergeCode == ExitCodes.Success, mergeError);
        Assert.StartsWith("shard 1/2: 2 of 4 cases, 6 images in ", firstOut);
        Assert.False(File.Exists(folder.File("w1/report.json")));
        var whole = JsonDocument.Parse(File.ReadAllText(folder.File("whole/report.json"))).RootElement;
        var merged = JsonDocument.Parse(File.ReadAllText(folder.File("merged/report.json"))).RootElement;
        foreach (var part in new[] { "cases", "groups", "comparisons", "notes", "criteria", "variants" })
            Assert.Equal(whole.GetProperty(part).GetRawText(), merged.GetProperty(part).GetRawText());
        Assert.Equal(4, JsonDocument.Parse(mergeOut).RootElement.GetProperty("cases").GetInt32());
        var record = Assert.Single(JsonlMetricSink.Read(folder.File("merged/metrics.jsonl")));
        Assert.Equal((MetricRecord.EvaluationKind, "cli"), (record.Kind, record.Run));
    }

    [Theory]
    [InlineData("--shard", "1/2", "--shard and --shard-out go together")]
    [InlineData("--shard-out", "x.json", "--shard and --shard-out go together")]
    public void A_shard_without_its_file_or_a_file_without_its_shard_exits_2(string option, string value, string message)
    {
        var (code, _, error) = Evaluate([.. Common(folder.File("bad")), option, value]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Merging_a_file_that_is_not_a_shard_exits_2_naming_it()
    {
        File.WriteAllText(folder.File("junk.json"), "[1, 2");

        var (code, _, error) = Evaluate("merge", "--out", folder.File("merged"), folder.File("junk.json"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"error: {folder.File("junk.json")} is not a readable evaluation shard", error);
    }
}
