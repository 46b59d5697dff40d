using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights.Checks;

/// <summary>
/// How <c>check-weights</c> knows one model class: which weights file names it uses, how to build the module
/// on the meta device from the folder's config (to get the expected keys and shapes without allocating), and
/// which loader renames its checkpoints may need.
/// </summary>
/// <param name="ClassName">The class as a config names it: diffusers <c>_class_name</c> or transformers <c>architectures[0]</c>.</param>
/// <param name="WeightsBaseName"><see cref="Layouts.WeightFiles.Diffusers"/> or <see cref="Layouts.WeightFiles.Transformers"/>.</param>
/// <param name="BuildOnMeta">Reads the folder's config and builds the module on <c>torch.META</c>.</param>
public sealed record WeightChecker(string ClassName, string WeightsBaseName, Func<string, nn.Module> BuildOnMeta)
{
    public KeyTranslation Translation { get; init; } = KeyTranslation.Identity;
}
