using System.Text.Json;

namespace Clap2Diffusion.Engine.Weights.Layouts;

/// <summary>
/// A diffusers pipeline folder, read as saved by <c>save_pretrained</c>: <c>model_index.json</c> naming each
/// component and its class, one sub-folder per component. The engine runs <see cref="RunComponents"/>; the
/// rest (safety_checker, feature_extractor, ...) may be present and are left alone.
/// </summary>
public sealed class DiffusersPipelineFolder
{
    public const string IndexFile = "model_index.json";

    public static IReadOnlyList<string> RunComponents { get; } = ["unet", "vae", "text_encoder", "tokenizer", "scheduler"];

    private DiffusersPipelineFolder(string root, string? pipelineClass, string? diffusersVersion, IReadOnlyList<PipelineComponent> components)
    {
        Root = root;
        PipelineClass = pipelineClass;
        DiffusersVersion = diffusersVersion;
        Components = components;
    }

    public string Root { get; }

    public string? PipelineClass { get; }

    public string? DiffusersVersion { get; }

    public IReadOnlyList<PipelineComponent> Components { get; }

    public static bool IsPipeline(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, IndexFile));

    /// <summary>Reads <c>model_index.json</c> without requiring any component to be present.</summary>
    public static DiffusersPipelineFolder Read(string path)
    {
        if (!Directory.Exists(path))
            throw new InputException(File.Exists(path)
                ? SingleFileCheckpoint.Describe(path) ?? $"{path} is a file; a diffusers pipeline folder (with {IndexFile}) was expected"
                : $"model folder not found: {path}");
        var index = Path.Combine(path, IndexFile);
        if (!File.Exists(index))
            throw new InputException(File.Exists(Path.Combine(path, "config.json"))
                ? $"{path} holds a single model component (config.json) but no {IndexFile}; give the pipeline folder above it"
                : $"{path} is not a diffusers pipeline folder: {IndexFile} is missing");

        using var document = ConfigJson.ParseDocument(File.ReadAllText(index), index);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InputException($"{index}: expected a JSON object");

        string? pipelineClass = null, version = null;
        var components = new List<PipelineComponent>();
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Name == "_class_name" && entry.Value.ValueKind == JsonValueKind.String)
                pipelineClass = entry.Value.GetString();
            else if (entry.Name == "_diffusers_version" && entry.Value.ValueKind == JsonValueKind.String)
                version = entry.Value.GetString();
            else if (!entry.Name.StartsWith('_') && IsComponentEntry(entry.Value))
            {
                if (entry.Name != Path.GetFileName(entry.Name) || entry.Name is "." or "..")
                    throw new InputException($"{index}: component name '{entry.Name}' is not a folder name");
                var pair = entry.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToArray();
                components.Add(new PipelineComponent(entry.Name, pair[0], pair[1], Path.Combine(path, entry.Name)));
            }
        }
        return new DiffusersPipelineFolder(path, pipelineClass, version, components);
    }

    /// <summary>Reads the folder and checks that every component the engine runs is declared and present.</summary>
    public static DiffusersPipelineFolder Open(string path)
    {
        var pipeline = Read(path);
        var problems = RunComponents
            .Select(name => (name, component: pipeline.Find(name)))
            .Where(c => c.component is not { IsDeclared: true, FolderExists: true })
            .Select(c => c.component is { IsDeclared: true } ? $"{c.name}/ (folder missing)" : $"{c.name} (not in {IndexFile})")
            .ToList();
        if (problems.Count > 0)
            throw new InputException($"{path}: the pipeline lacks {string.Join(", ", problems)}");
        return pipeline;
    }

    public PipelineComponent? Find(string name) => Components.FirstOrDefault(c => c.Name == name);

    /// <summary>The folder of a declared, present component.</summary>
    public string ComponentFolder(string name)
    {
        var component = Find(name);
        if (component is not { IsDeclared: true })
            throw new InputException($"{Root}: {IndexFile} declares no '{name}' component");
        if (!component.FolderExists)
            throw new InputException($"{Root}: the '{name}' component folder is missing ({component.Folder})");
        return component.Folder;
    }

    private static bool IsComponentEntry(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2
        && value.EnumerateArray().All(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Null);
}
