namespace Clap2Diffusion.Engine.Models;

/// <summary>Every architecture that <c>keys</c> and <c>check-weights</c> know by name.</summary>
public static class ArchitectureCatalog
{
    public static IReadOnlyList<Architecture> All { get; } =
    [
        new("clip-text-l14", "openai/clip-vit-large-patch14 text tower (transformers CLIPTextModel) = SD 1.5 text_encoder", device => new Clip.CLIPTextModel(Clip.CLIPTextConfig.ClipVitLargePatch14, device)),
        new("clip-vit-l14", "openai/clip-vit-large-patch14 (transformers CLIPModel)", device => new Clip.CLIPModel(Clip.CLIPConfig.ClipVitLargePatch14, device)),
        new("clip-vit-b32", "openai/clip-vit-base-patch32 (transformers CLIPModel)", device => new Clip.CLIPModel(Clip.CLIPConfig.ClipVitBasePatch32, device)),
    ];

    public static IEnumerable<string> Names => All.Select(a => a.Name);

    public static Architecture Find(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InputException($"unknown model '{name}'; valid names: {string.Join(", ", Names)}");
}
