namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// pytorch-fid and the SD 1.5 latent preview (<c>parity/fid</c>): every file in the folder is recognised by its
/// tensors and metadata (an Inception block, the whole network, the weight-generator check, Fréchet cases, latent
/// previews) and run; a folder holding only some of them runs those.
/// </summary>
public sealed class FidParity : IParityKind
{
    public string Name => "fid";

    public string Layout =>
        "pytorch-fid: block_*.safetensors (class/module_key/constructor metadata), inception_full_generated.safetensors, " +
        "generator_check.safetensors, frechet_distance.safetensors, sd15_latent_preview.safetensors (any of them)";

    public bool Recognises(FixtureFolder folder) =>
        folder.FilesEndingWith(".safetensors").Any(file => CaseOf(folder, file) is not FidCase.None);

    public void Run(FixtureFolder folder, ParityRun run)
    {
        foreach (var file in folder.FilesEndingWith(".safetensors"))
        {
            var prefix = Path.GetFileNameWithoutExtension(file) + "/";
            switch (CaseOf(folder, file))
            {
                case FidCase.Block:
                    FidInceptionCases.Block(folder.Reference(file, prefix), run);
                    break;
                case FidCase.Network:
                    FidInceptionCases.Network(folder.Reference(file, prefix), run);
                    break;
                case FidCase.GeneratorCheck:
                    FidInceptionCases.GeneratorCheck(folder.Reference(file, prefix), run);
                    break;
                case FidCase.Frechet:
                    FrechetCases.Run(folder.Reference(file, prefix), run);
                    break;
                case FidCase.LatentPreview:
                    LatentPreviewCases.Run(folder.Reference(file, prefix), run);
                    break;
            }
        }
    }

    private enum FidCase { None, Block, Network, GeneratorCheck, Frechet, LatentPreview }

    private static FidCase CaseOf(FixtureFolder folder, string fileName)
    {
        var file = folder.TryOpen(fileName);
        if (file is null)
            return FidCase.None;
        var meta = file.Metadata;
        if (meta.ContainsKey("module_key") && meta.ContainsKey("class") && meta.ContainsKey("constructor")
            && file.Contains("input") && file.Contains("output"))
            return FidCase.Block;
        if (meta.TryGetValue("model", out var model) && model.Contains("InceptionV3", StringComparison.Ordinal)
            && file.Contains("input") && file.Contains("pool3"))
            return FidCase.Network;
        if (meta.GetValueOrDefault("generator") == FidFixWeights.GeneratorName && meta.ContainsKey("keys") && file.Contains("checks"))
            return FidCase.GeneratorCheck;
        if (meta.TryGetValue("function", out var function) && function.Contains("calculate_frechet_distance", StringComparison.Ordinal)
            && file.Names.Any(n => n.EndsWith(".distance", StringComparison.Ordinal)))
            return FidCase.Frechet;
        if (file.Contains("latent") && file.Names.Any(n => n.EndsWith(".latent_rgb_factors", StringComparison.Ordinal)))
            return FidCase.LatentPreview;
        return FidCase.None;
    }
}
