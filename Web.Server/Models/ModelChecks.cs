using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Checks;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;
using ComponentCheck = Clap2Diffusion.Client.Contracts.ComponentCheck;

namespace Clap2Diffusion.Server.Models;

/// <summary>
/// <c>check-weights</c> per kind of model folder, reading configs and weight headers only (modules are built on
/// the meta device). A folder that cannot be read at all is a FAIL with the reason, never an exception.
/// </summary>
public static class ModelChecks
{
    public static readonly IReadOnlyList<string> ClapClasses = ["ClapModel", "ClapAudioModelWithProjection"];

    public static ModelCheckReport BaseModel(string folder) => Guarded(folder, () =>
    {
        if (!DiffusersPipelineFolder.IsPipeline(folder))
            return ModelCheckReport.Refused(folder, $"{folder} is not a diffusers base model: {DiffusersPipelineFolder.IndexFile} is missing.");
        return FromWeightsCheck(folder, WeightsCheck.Run(folder));
    });

    public static ModelCheckReport Clap(string folder) => Guarded(folder, () =>
    {
        var className = WeightsCheck.ConfiguredClass(folder);
        if (className is null || !ClapClasses.Contains(className))
            return ModelCheckReport.Refused(folder, $"{folder} is not a transformers CLAP folder: its config.json names " +
                $"{className ?? "no model class"}, not {string.Join(" or ", ClapClasses)}.");
        var report = FromWeightsCheck(folder, WeightsCheck.Run(folder));
        if (File.Exists(Path.Combine(folder, "preprocessor_config.json")))
            return report;
        var features = new ComponentCheck("feature extractor", false, ["preprocessor_config.json is missing: CLAP's audio features cannot be computed without it."]);
        return report with { Ok = false, Components = [.. report.Components, features] };
    });

    /// <summary>
    /// An adapter set (or the one inside a training checkpoint) against the base model and CLAP it would run
    /// with: its keys and shapes for that UNet, the base model it was trained on, and the CLAP width it reads.
    /// </summary>
    public static ModelCheckReport Adapters(string folder, ModelFolders context) => Guarded(folder, () =>
    {
        var set = AdapterSets.Resolve(folder);
        if (!AdapterFolder.IsAdapterFolder(set))
            return ModelCheckReport.Refused(folder, $"{folder} is not a V4 adapter set: it needs {AdapterFolder.ConfigFile} and " +
                $"{AdapterFolder.WeightsFile} marked format={AdapterFolder.Format} (or a training checkpoint with one in adapters/).");
        var config = ConfigJson.Read<V4AdapterConfig>(Path.Combine(set, AdapterFolder.ConfigFile));
        config.Validate(Path.Combine(set, AdapterFolder.ConfigFile));
        var metadata = AdapterFolder.ReadMetadata(set);
        var checks = new List<ComponentCheck> { Keys(set, config, context.Model), BaseMatch(metadata, context.Model) };
        if (context.Clap is not null)
            checks.Add(ClapMatch(config, context.Clap));
        return new ModelCheckReport(folder, checks.All(c => c.Ok), checks);
    });

    private static ComponentCheck Keys(string set, V4AdapterConfig config, string baseModel)
    {
        using var unet = new UNet2DConditionModel(UNet2DConditionModelConfig.Read(Path.Combine(baseModel, "unet")), META);
        using var adapters = new AudioAdapters(config, unet.TransformerBlockSites, META);
        using var checkpoint = Checkpoint.Open(Path.Combine(set, AdapterFolder.WeightsFile));
        return WeightsCheckReports.FromComparison("adapters", StrictLoader.Compare(StrictLoader.ExpectedShapes(adapters), checkpoint));
    }

    private static ComponentCheck BaseMatch(AdapterMetadata metadata, string baseModel)
    {
        var unetHash = ModelHash.OfFiles(WeightFiles.Locate(Path.Combine(baseModel, "unet"), WeightFiles.Diffusers));
        return string.Equals(metadata.BaseModelHash, unetHash, StringComparison.OrdinalIgnoreCase)
            ? new ComponentCheck("base model", true, [])
            : new ComponentCheck("base model", false,
            [
                $"trained on base model {ModelHash.Short(metadata.BaseModelHash)}{(metadata.BaseModel is null ? "" : $" ({metadata.BaseModel})")}, " +
                $"but it would run with {ModelHash.Short(unetHash)} ({baseModel}); adapters steer only the UNet they were trained with.",
            ]);
    }

    private static ComponentCheck ClapMatch(V4AdapterConfig config, string clapFolder)
    {
        var width = ClapConfig.ReadAudio(ModelFolder.ConfigPath(clapFolder)).ProjectionDim;
        return width == config.ClapDim
            ? new ComponentCheck("CLAP", true, [])
            : new ComponentCheck("CLAP", false, [$"reads {config.ClapDim}-d CLAP embeddings, but the CLAP at {clapFolder} gives {width}-d."]);
    }

    private static ModelCheckReport FromWeightsCheck(string folder, WeightsCheckReport report)
    {
        var components = report.Components.Select(WeightsCheckReports.ToContract).ToList();
        return new ModelCheckReport(folder, components.All(c => c.Ok), components);
    }

    private static ModelCheckReport Guarded(string folder, Func<ModelCheckReport> check)
    {
        if (!Directory.Exists(folder))
            return ModelCheckReport.Refused(folder, $"The folder {folder} does not exist.");
        try
        {
            return check();
        }
        catch (Exception error) when (error is InputException or IOException or UnauthorizedAccessException or JsonException)
        {
            return ModelCheckReport.Refused(folder, error.Message);
        }
    }
}
