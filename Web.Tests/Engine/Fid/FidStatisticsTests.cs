using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class FidStatisticsTests : IDisposable
{
    private readonly TempFolder folder = new("fid-stats");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Saved_statistics_load_back_with_their_name_count_and_feature_space()
    {
        var statistics = new FidStatistics("coco val 5k", 5000, [1.5, -2], [2, 0.5, 0.5, 1], "pool3 space");
        var path = folder.File("coco.safetensors");

        statistics.Save(path);
        var loaded = FidStatistics.Load(path);

        Assert.Equal("coco val 5k", loaded.Name);
        Assert.Equal(5000, loaded.Count);
        Assert.Equal(2, loaded.Dimensions);
        Assert.Equal("pool3 space", loaded.FeatureSpace);
        Assert.Equal(statistics.Mu, loaded.Mu);
        Assert.Equal(statistics.Sigma, loaded.Sigma);
    }

    [Fact]
    public void Other_safetensors_files_are_not_taken_for_statistics()
    {
        var path = folder.File("weights.safetensors");
        using (var weight = ones(2, 2))
            SafeTensorsWriter.Save(path, [("mu", weight)], new Dictionary<string, string> { ["format"] = "pt" });

        Assert.Contains("not FID statistics", Assert.Throws<WeightsFormatException>(() => FidStatistics.Load(path)).Message);
    }

    [Fact]
    public void Fewer_than_two_images_make_no_covariance()
    {
        var single = new FidActivations([1.0, 2.0], 1, 2, "space");

        Assert.Contains("at least 2 images", Assert.Throws<InputException>(() => FidStatistics.FromActivations("one", single)).Message);
    }

    [Fact]
    public void Fid_distance_verb_compares_two_files_and_reports_the_sets()
    {
        var reference = folder.File("reference.safetensors");
        var candidate = folder.File("candidate.safetensors");
        new FidStatistics("reference set", 3000, [0, 0], [1, 0, 0, 1], "space").Save(reference);
        new FidStatistics("candidate set", 100, [3, 4], [1, 0, 0, 1], "space").Save(candidate);

        var (code, output, error) = EngineCliTests.Run("fid-distance", "--reference", reference, "--candidate", candidate);

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("\"fid\":25", output);
        Assert.Contains("\"reference_count\":3000", output);
        Assert.Contains("\"comparable_to_published\":false", output);
        Assert.Contains("FID 25.0000 of 'candidate set' (N=100) against 'reference set' (N=3000); not comparable to published FID (2-dimensional features, not pool3)", error);
    }

    [Fact]
    public void Fid_distance_verb_reports_a_missing_file_as_bad_input()
    {
        var (code, _, error) = EngineCliTests.Run("fid-distance", "--reference", folder.File("none.safetensors"), "--candidate", folder.File("none2.safetensors"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not found", error);
    }
}
