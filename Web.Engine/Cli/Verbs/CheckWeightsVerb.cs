using System.CommandLine;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Checks;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>check-weights PATH [--json]</c>: checks a diffusers pipeline folder, one model folder or a bare
/// .safetensors file against the architectures its configs describe, without loading any weights. Exit 0 when
/// every component is OK or skipped, 1 when any fails, 2 when the path cannot be read.
/// </summary>
public static class CheckWeightsVerb
{
    public static Command Create(CliContext cli)
    {
        var path = new Argument<string>("path") { Description = "pipeline folder, model folder or .safetensors file" };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of text" };
        var command = new Command("check-weights",
            "Check that weights fit their architecture: one line per component (OK|FAIL|SKIPPED component class tensors params dtype), then every missing, unexpected or mis-shaped key.")
        {
            path, json,
        };
        command.SetAction(result => VerbAction.Guard(cli, () => Run(cli, result.GetValue(path)!, result.GetValue(json))));
        return command;
    }

    public static int Run(CliContext cli, string path, bool json)
    {
        var report = WeightsCheck.Run(path);
        if (json)
            cli.WriteJson(report);
        else
            WriteText(cli.Out, report);
        var counts = report.Components.GroupBy(c => c.Status).Select(g => $"{g.Count()} {g.Key}");
        cli.Error.WriteLine($"check-weights: {report.Layout} {path}: {string.Join(", ", counts)}");
        return report.Ok ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static void WriteText(TextWriter output, WeightsCheckReport report)
    {
        foreach (var component in report.Components)
        {
            var dtypes = component.Dtypes.Count == 0 ? "-" : string.Join(",", component.Dtypes);
            output.WriteLine($"{component.Status} {component.Component} {component.Class ?? "-"} " +
                $"{component.Tensors?.ToString() ?? "-"} {component.Params?.ToString() ?? "-"} {dtypes}");
            if (component.Note is not null)
                output.WriteLine($"  {component.Note}");
            foreach (var key in component.Missing)
                output.WriteLine($"  missing     {key.Key} {WeightsMismatchException.ShapeText(key.Expected)}");
            foreach (var key in component.Unexpected)
                output.WriteLine($"  unexpected  {key.Key} {WeightsMismatchException.ShapeText(key.Found)}");
            foreach (var key in component.Misshaped)
                output.WriteLine($"  mis-shaped  {key.Key} expected {WeightsMismatchException.ShapeText(key.Expected)}, found {WeightsMismatchException.ShapeText(key.Found)}");
        }
    }
}
