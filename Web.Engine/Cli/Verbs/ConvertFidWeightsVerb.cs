using System.CommandLine;
using Clap2Diffusion.Engine.Evaluation.Fid;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>convert-fid-weights --input pt_inception-2015-12-05-6726825d.pth --output fid-inception.safetensors</c>:
/// checks pytorch-fid's legacy torch pickle against the FID network and writes it as safetensors. Optional: the
/// engine reads the .pth directly too.
/// </summary>
public static class ConvertFidWeightsVerb
{
    public static Command Create(CliContext cli)
    {
        var input = new Option<string>("--input") { Description = $"pytorch-fid's {FidInceptionWeights.UpstreamFileName}", Required = true };
        var output = new Option<string>("--output") { Description = "the safetensors file to write", Required = true };
        var command = new Command("convert-fid-weights", "Convert pytorch-fid's FID Inception weights (.pth) to safetensors.")
        {
            input, output,
        };
        command.SetAction(result => VerbAction.Guard(cli, () => Run(cli, result.GetValue(input)!, result.GetValue(output)!)));
        return command;
    }

    public static int Run(CliContext cli, string input, string output)
    {
        var conversion = FidInceptionWeights.Convert(input, output);
        if (conversion.NameHashMatches == false)
            cli.Error.WriteLine($"warning: {Path.GetFileName(input)} does not start its SHA-256 ({conversion.Sha256}) with the hash in its name; " +
                "it may not be the file pytorch-fid publishes");
        cli.WriteJson(new
        {
            input = conversion.Source,
            output = conversion.Output,
            tensors = conversion.Tensors,
            sha256 = conversion.Sha256,
            name_hash_matches = conversion.NameHashMatches,
        });
        return ExitCodes.Success;
    }
}
