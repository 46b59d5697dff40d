using System.CommandLine;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Evaluation.Sharding;
using Clap2Diffusion.Engine.Training.Metrics;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>evaluate merge [--out DIR] [--json] SHARD_FILE...</c>: merges the files that <c>evaluate --shard K/N --shard-out FILE</c>
/// wrote into the report one worker would have written, copying each shard's images into --out. Needs no model, since
/// the shards measured everything. Exits 1 when a check fails, 2 when the shards do not make one run.
/// </summary>
public static class EvaluateMergeVerb
{
    public static Command Create(CliContext cli)
    {
        var shards = new Argument<string[]>("shards") { Description = "the shard files, in any order", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "report folder (default evaluations/<UTC time>); the shards' images are copied into it" };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout instead of text" };
        var command = new Command("merge", "Merge evaluation shards into one report, exactly as one worker would have written it.") { shards, output, json };
        command.SetAction(result => VerbAction.Guard(cli, () =>
            Run(cli, result.GetValue(shards)!, result.GetValue(output), result.GetValue(json))));
        return command;
    }

    public static int Run(CliContext cli, IReadOnlyList<string> shardFiles, string? output, bool json, CancellationToken cancellationToken = default)
    {
        var folder = output ?? EvaluateVerb.DefaultFolder();
        EvaluateVerb.CheckNoReport(folder);
        var inputs = shardFiles.Select(EvaluationShardFile.Read).ToList();
        Directory.CreateDirectory(folder);
        using var progress = new ConsoleProgress(cli);
        EvaluationReport report;
        using (var sink = new JsonlMetricSink(Path.Combine(folder, "metrics.jsonl")))
            report = EvaluationMerge.Merge(inputs, folder, sink, progress, cancellationToken);
        progress.Finish();
        if (json)
            cli.WriteJson(EvaluateVerb.JsonSummary(report, folder));
        else
            EvaluationText.Write(cli.Out, report, folder);
        return report.Verdict == CheckResult.Fail ? ExitCodes.Failure : ExitCodes.Success;
    }
}
