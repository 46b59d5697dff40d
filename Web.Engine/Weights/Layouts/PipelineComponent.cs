namespace Clap2Diffusion.Engine.Weights.Layouts;

/// <summary>One entry of a pipeline's <c>model_index.json</c>: <c>"unet": ["diffusers", "UNet2DConditionModel"]</c>.</summary>
/// <param name="Name">The entry name, which is also the component's sub-folder.</param>
/// <param name="Library">The library that defines <paramref name="ClassName"/>; null when the entry is <c>[null, null]</c>.</param>
/// <param name="ClassName">The component's class; null when the pipeline has no such component.</param>
/// <param name="Folder">The component's folder (it may not exist).</param>
public sealed record PipelineComponent(string Name, string? Library, string? ClassName, string Folder)
{
    public bool IsDeclared => ClassName is not null;

    public bool FolderExists => Directory.Exists(Folder);
}
