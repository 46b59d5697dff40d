using System.Text.Json;
using Clap2Diffusion.Engine.Models;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights.Checks;

/// <summary>
/// Checks weights without loading them: finds the layout of a path, builds each component's module on the
/// meta device from its config and compares keys and shapes with the safetensors headers. Throws
/// <see cref="InputException"/> when the path itself cannot be read or recognised; inside a pipeline a
/// component that cannot be read is reported as FAIL so the others are still checked. A bare .safetensors
/// file is checked against the config.json beside it when there is one, else against every architecture
/// <c>keys</c> knows, reporting the closest.
/// </summary>
public static class WeightsCheck
{
    public static WeightsCheckReport Run(string path)
    {
        if (File.Exists(path))
            return CheckFile(path);
        if (!Directory.Exists(path))
            throw new InputException($"not found: {path}");
        if (DiffusersPipelineFolder.IsPipeline(path))
            return CheckPipeline(path);

        var config = Path.Combine(path, "config.json");
        if (!File.Exists(config))
            throw new InputException($"{path} is not a diffusers pipeline ({DiffusersPipelineFolder.IndexFile}), a model " +
                "folder (config.json) or a .safetensors file");
        var (className, layout) = ReadClassName(config);
        var checker = WeightCheckers.Find(className)
            ?? throw new InputException($"{config}: no weights check is registered for class '{className}' (registered: {WeightCheckers.Known})");
        return new WeightsCheckReport(path, layout, [CheckComponent(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))), path, checker)]);
    }

    private static WeightsCheckReport CheckPipeline(string path)
    {
        var pipeline = DiffusersPipelineFolder.Read(path);
        var results = new List<ComponentCheck>();
        foreach (var component in pipeline.Components)
        {
            var required = DiffusersPipelineFolder.RunComponents.Contains(component.Name);
            var checker = WeightCheckers.Find(component.ClassName);
            ComponentCheck result;
            if (!component.IsDeclared)
                result = Skip(component, required ? "declared as [null, null]; the engine needs it" : "not part of this pipeline");
            else if (!component.FolderExists)
                result = required
                    ? new ComponentCheck { Status = ComponentCheck.Fail, Component = component.Name, Class = component.ClassName, Note = $"folder missing: {component.Folder}" }
                    : Skip(component, "not used by this engine (folder absent)");
            else if (checker is not null)
                result = CheckComponentSafely(component.Name, component.Folder, checker);
            else
                result = Skip(component, required ? "no weights to check here (configuration files)" : "not used by this engine");
            if (required && !component.IsDeclared)
                result = result with { Status = ComponentCheck.Fail };
            results.Add(result);
        }
        foreach (var name in DiffusersPipelineFolder.RunComponents.Where(n => pipeline.Find(n) is null))
            results.Add(new ComponentCheck { Status = ComponentCheck.Fail, Component = name, Note = $"not declared in {DiffusersPipelineFolder.IndexFile}" });
        return new WeightsCheckReport(path, "diffusers-pipeline", results);
    }

    private static ComponentCheck Skip(PipelineComponent component, string why) =>
        new() { Status = ComponentCheck.Skipped, Component = component.Name, Class = component.ClassName, Folder = component.Folder, Note = why };

    private static ComponentCheck CheckComponentSafely(string name, string folder, WeightChecker checker)
    {
        try
        {
            return CheckComponent(name, folder, checker);
        }
        catch (InputException error)
        {
            return new ComponentCheck { Status = ComponentCheck.Fail, Component = name, Class = checker.ClassName, Folder = folder, Note = error.Message };
        }
    }

    private static ComponentCheck CheckComponent(string name, string folder, WeightChecker checker)
    {
        var files = WeightFiles.Locate(folder, checker.WeightsBaseName);
        using var module = checker.BuildOnMeta(folder);
        using var checkpoint = Checkpoint.Open(files, checker.Translation);
        return Describe(name, checker.ClassName, folder, files, checkpoint, StrictLoader.Compare(StrictLoader.ExpectedShapes(module), checkpoint), null);
    }

    private static WeightsCheckReport CheckFile(string path)
    {
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new InputException(SingleFileCheckpoint.Describe(path)
                ?? $"{path}: only .safetensors files are checked (PyTorch pickles are not read)");
        using var file = SafeTensorsFile.Open(path);
        if (SingleFileCheckpoint.IsStableDiffusion(file.Names))
            throw new InputException(SingleFileCheckpoint.Advice(path));

        var siblingConfig = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "config.json");
        if (File.Exists(siblingConfig) && WeightCheckers.Find(ReadClassName(siblingConfig).ClassName) is { } checker)
        {
            using var module = checker.BuildOnMeta(Path.GetDirectoryName(siblingConfig)!);
            using var checkpoint = Checkpoint.Open(path, checker.Translation);
            return new WeightsCheckReport(path, "safetensors-file", [Describe(Path.GetFileName(path), checker.ClassName, null, [path],
                checkpoint, StrictLoader.Compare(StrictLoader.ExpectedShapes(module), checkpoint), $"checked against {siblingConfig}")]);
        }

        (Architecture Architecture, string ClassName, Checkpoint Checkpoint, WeightsComparison Comparison)? best = null;
        try
        {
            foreach (var architecture in ArchitectureCatalog.All)
            {
                using var module = architecture.Create(META);
                var className = module.GetName();
                var checkpoint = Checkpoint.Open(path, WeightCheckers.Find(className)?.Translation);
                var comparison = StrictLoader.Compare(StrictLoader.ExpectedShapes(module), checkpoint);
                if (best is null || Score(comparison) < Score(best.Value.Comparison))
                {
                    best?.Checkpoint.Dispose();
                    best = (architecture, className, checkpoint, comparison);
                }
                else
                    checkpoint.Dispose();
            }
            if (best is not { } match || match.Comparison.Unexpected.Count == match.Checkpoint.Keys.Count)
                throw new InputException($"{path}: its {file.Tensors.Count} tensors match none of the known architectures " +
                    $"({string.Join(", ", ArchitectureCatalog.Names)})");
            var note = match.Comparison.IsExactMatch ? $"matches {match.Architecture.Name}" : $"closest architecture: {match.Architecture.Name}";
            return new WeightsCheckReport(path, "safetensors-file",
                [Describe(Path.GetFileName(path), match.ClassName, null, [path], match.Checkpoint, match.Comparison, note)]);
        }
        finally
        {
            best?.Checkpoint.Dispose();
        }
    }

    private static int Score(WeightsComparison comparison) =>
        comparison.Missing.Count + comparison.Unexpected.Count + comparison.Misshaped.Count;

    private static ComponentCheck Describe(string name, string className, string? folder, IReadOnlyList<string> files,
        Checkpoint checkpoint, WeightsComparison comparison, string? note)
    {
        var infos = checkpoint.Keys.Select(checkpoint.Info).ToList();
        return new ComponentCheck
        {
            Status = comparison.IsExactMatch ? ComponentCheck.Ok : ComponentCheck.Fail,
            Component = name,
            Class = className,
            Folder = folder,
            Weights = files,
            Tensors = infos.Count,
            Params = infos.Where(i => SafeTensorsDType.IsFloatingPoint(i.Type)).Sum(i => i.ElementCount),
            Dtypes = infos.Select(i => i.DType).Distinct().Order(StringComparer.Ordinal).ToList(),
            Missing = comparison.Missing,
            Unexpected = comparison.Unexpected,
            Misshaped = comparison.Misshaped,
            Note = note,
        };
    }

    /// <summary>The model class a folder's config.json names, or null when it names none (or there is no config).</summary>
    public static string? ConfiguredClass(string folder)
    {
        var config = Path.Combine(folder, "config.json");
        return File.Exists(config) ? ClassNameOf(config)?.ClassName : null;
    }

    private static (string ClassName, string Layout) ReadClassName(string configPath) =>
        ClassNameOf(configPath)
        ?? throw new InputException($"{configPath}: names no model class (neither diffusers' _class_name nor transformers' architectures or a known model_type)");

    private static (string ClassName, string Layout)? ClassNameOf(string configPath)
    {
        using var document = ConfigJson.ParseDocument(File.ReadAllText(configPath), configPath);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        if (root.TryGetProperty("_class_name", out var diffusers) && diffusers.ValueKind == JsonValueKind.String)
            return (diffusers.GetString()!, "diffusers-component");
        if (root.TryGetProperty("architectures", out var architectures) && architectures.ValueKind == JsonValueKind.Array
            && architectures.GetArrayLength() > 0 && architectures[0].ValueKind == JsonValueKind.String)
            return (architectures[0].GetString()!, "transformers-model");
        // Configs written without `architectures` (the demo model's CLAP) still say what they are by model_type.
        if (root.TryGetProperty("model_type", out var modelType) && modelType.ValueKind == JsonValueKind.String
            && WeightCheckers.ForModelType(modelType.GetString()) is { } byType)
            return (byType.ClassName, "transformers-model");
        return null;
    }
}
