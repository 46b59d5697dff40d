using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights.Lora;

/// <summary>
/// The modules of a pipeline that a LoRA may change: every linear layer and convolution of the UNet and the text
/// encoder, by state-dict path (PEFT's names) and by that path with <c>_</c> for <c>.</c> (kohya's names).
/// </summary>
public sealed class LoraTargets
{
    private readonly Dictionary<string, Dictionary<string, Parameter>> byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> byKohyaName = new(StringComparer.Ordinal);

    /// <param name="components">Each component by the name LoRA files give it: <c>unet</c>, <c>text_encoder</c>.</param>
    public LoraTargets(IReadOnlyDictionary<string, nn.Module> components)
    {
        foreach (var (component, root) in components)
        {
            var paths = new Dictionary<string, Parameter>(StringComparer.Ordinal);
            var kohya = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (path, module) in root.named_modules())
            {
                var weight = module switch
                {
                    Linear linear => linear.weight,
                    Conv2d conv => conv.weight,
                    _ => null,
                };
                if (weight is null || path.Length == 0)
                    continue;
                paths[path] = weight;
                kohya[path.Replace('.', '_')] = path;
            }
            byPath[component] = paths;
            byKohyaName[component] = kohya;
        }
    }

    /// <summary>The weight an update changes and its module path; refuses names that resolve to nothing and shapes that do not fit.</summary>
    internal (Parameter Weight, string Path) Resolve(LoraFile file, LoraFile.RawUpdate update)
    {
        var path = update.Kohya
            ? byKohyaName.GetValueOrDefault(update.Component)?.GetValueOrDefault(update.Name)
            : update.Name;
        if (path is null || byPath.GetValueOrDefault(update.Component)?.GetValueOrDefault(path) is not { } weight)
            throw new InputException($"{file.Path}: key '{update.Key}' resolves to no linear layer or convolution of the {update.Component}");
        var (down, up) = (update.Down.shape, update.Up.shape);
        var shape = weight.shape;
        var fits = shape.Length switch
        {
            2 => down.Length == 2 && up.Length == 2 && down[1] == shape[1] && up[0] == shape[0] && up[1] == down[0],
            // A 1x1 convolution is a linear layer over channels; some files store its LoRA as linear matrices.
            4 when down.Length == 2 => shape[2] == 1 && shape[3] == 1 && up.Length == 2 && down[1] == shape[1] && up[0] == shape[0] && up[1] == down[0],
            4 => down.Length == 4 && up.Length == 4 && down[1] == shape[1] && down[2] == shape[2] && down[3] == shape[3]
                 && up[0] == shape[0] && up[1] == down[0] && up[2] == 1 && up[3] == 1,
            _ => false,
        };
        if (!fits)
            throw new InputException($"{file.Path}: key '{update.Key}' has down [{string.Join(", ", down)}] and up [{string.Join(", ", up)}], " +
                $"which do not fit {update.Component}.{path} [{string.Join(", ", shape)}]");
        return (weight, path);
    }
}
