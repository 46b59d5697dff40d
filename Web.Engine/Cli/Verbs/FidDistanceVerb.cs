using System.CommandLine;
using Clap2Diffusion.Engine.Evaluation.Fid;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary><c>fid-distance --reference A.safetensors --candidate B.safetensors</c>: the FID between two saved statistics.</summary>
public static class FidDistanceVerb
{
    public static Command Create(CliContext cli)
    {
        var reference = new Option<string>("--reference") { Description = "FID statistics of the reference set", Required = true };
        var candidate = new Option<string>("--candidate") { Description = "FID statistics of the set to measure", Required = true };
        var noFallback = new Option<bool>("--no-eps-fallback")
        {
            Description = "never add eps to singular covariances (pytorch-fid does when both sets have different constant features)",
        };
        var command = new Command("fid-distance", "Fréchet Inception Distance between two saved FID statistics files.")
        {
            reference, candidate, noFallback,
        };
        command.SetAction(result => VerbAction.Guard(cli, () =>
            Run(cli, result.GetValue(reference)!, result.GetValue(candidate)!, result.GetValue(noFallback))));
        return command;
    }

    public static int Run(CliContext cli, string referencePath, string candidatePath, bool noFallback)
    {
        var options = noFallback ? new FrechetOptions { Fallback = SingularProductFallback.Never } : FrechetOptions.PytorchFid;
        var result = FrechetDistance.Compute(FidStatistics.Load(referencePath), FidStatistics.Load(candidatePath), options);
        cli.Error.WriteLine(result.Summary);
        cli.WriteJson(new
        {
            fid = result.Value,
            reference = result.Reference.Name,
            reference_count = result.Reference.Count,
            candidate = result.Candidate.Name,
            candidate_count = result.Candidate.Count,
            dimensions = result.Reference.Dimensions,
            comparable_to_published = result.ComparableToPublished,
            note = result.ComparabilityNote,
            eps_fallback = result.SingularFallbackApplied,
        });
        return ExitCodes.Success;
    }
}
