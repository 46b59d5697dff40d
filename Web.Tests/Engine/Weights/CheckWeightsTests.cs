using System.Text.Json;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Weights;

public sealed class CheckWeightsTests : IDisposable
{
    private readonly TempFolder temp = new("check-weights");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("unet_dummy", "UNet2DConditionModel 208 16928 F32")]
    [InlineData("unet_mini", "UNet2DConditionModel 684 3222692 F32")]
    [InlineData("vae_dummy", "AutoencoderKL 124 11827 F32")]
    [InlineData("vae_mini", "AutoencoderKL 244 437847 F32")]
    public void Fixture_folders_are_OK(string fixture, string summary)
    {
        var (code, output, _) = EngineCliTests.Run("check-weights", FixtureFolders.Source(fixture));

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal($"OK {fixture} {summary}", output.Trim());
    }

    [Theory]
    [InlineData("clip_text_tiny", "CLIPTextModel")]
    [InlineData("clip_tiny", "CLIPModel")]
    [InlineData("clap_tiny", "ClapModel")]
    public void Transformers_fixture_folders_are_OK(string fixture, string className)
    {
        var (code, output, _) = EngineCliTests.Run("check-weights", SharedData.PathOf("parity", "transformers", fixture), "--json");

        Assert.Equal(ExitCodes.Success, code);
        using var document = JsonDocument.Parse(output);
        Assert.Equal("transformers-model", document.RootElement.GetProperty("layout").GetString());
        var component = Assert.Single(document.RootElement.GetProperty("components").EnumerateArray());
        Assert.Equal(("OK", className), (component.GetProperty("status").GetString(), component.GetProperty("class").GetString()));
    }

    [Fact]
    public void A_transformers_config_without_architectures_is_known_by_its_model_type()
    {
        var folder = temp.File("clap");
        Directory.CreateDirectory(folder);
        var source = SharedData.PathOf("parity", "transformers", "clap_tiny");
        foreach (var file in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(source, file), Path.Combine(folder, file));
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        config.Remove("architectures");
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());

        var (code, output, _) = EngineCliTests.Run("check-weights", folder, "--json");

        Assert.Equal(ExitCodes.Success, code);
        using var document = JsonDocument.Parse(output);
        var component = Assert.Single(document.RootElement.GetProperty("components").EnumerateArray());
        Assert.Equal(("OK", "ClapModel"), (component.GetProperty("status").GetString(), component.GetProperty("class").GetString()));
        Assert.Equal("ClapModel", Clap2Diffusion.Engine.Weights.Checks.WeightsCheck.ConfiguredClass(folder));
    }

    [Fact]
    public void A_legacy_vae_file_is_checked_against_the_config_beside_it()
    {
        var path = Path.Combine(FixtureFolders.Source("vae_mini"), "diffusion_pytorch_model.legacy_attention.safetensors");

        var (code, output, _) = EngineCliTests.Run("check-weights", path);

        Assert.Equal(ExitCodes.Success, code);
        Assert.StartsWith("OK diffusion_pytorch_model.legacy_attention.safetensors AutoencoderKL 244 437847 F32", output);
    }

    [Fact]
    public void A_broken_copy_fails_with_every_offending_key_listed()
    {
        var folder = FixtureFolders.Copy("unet_dummy", temp.File("unet"), tensors =>
        [
            .. tensors.Where(t => t.Name != "conv_in.bias" && t.Name != "conv_out.weight"),
            ("conv_out.weight", zeros(4, 4, 1, 1).to_type(ScalarType.Float16)),
            ("stray", ones(2)),
        ]);

        var (code, output, _) = EngineCliTests.Run("check-weights", folder);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("FAIL unet UNet2DConditionModel 208 ", output);
        Assert.Contains(" F16,F32", output);
        Assert.Contains("  missing     conv_in.bias [4]", output);
        Assert.Contains("  unexpected  stray [2]", output);
        Assert.Contains("  mis-shaped  conv_out.weight expected [4, 4, 3, 3], found [4, 4, 1, 1]", output);
    }

    [Fact]
    public void Garbage_and_missing_paths_exit_2()
    {
        var garbage = temp.File("model.safetensors");
        File.WriteAllText(garbage, "this is not a safetensors file");

        var (garbageCode, _, garbageError) = EngineCliTests.Run("check-weights", garbage);
        var (missingCode, _, missingError) = EngineCliTests.Run("check-weights", temp.File("absent"));
        var (folderCode, _, folderError) = EngineCliTests.Run("check-weights", temp.Path);

        Assert.Equal(ExitCodes.BadInput, garbageCode);
        Assert.Contains("header", garbageError);
        Assert.Equal(ExitCodes.BadInput, missingCode);
        Assert.Contains("not found", missingError);
        Assert.Equal(ExitCodes.BadInput, folderCode);
        Assert.Contains("is not a diffusers pipeline", folderError);
    }

    [Fact]
    public void A_single_file_stable_diffusion_checkpoint_exits_2_with_advice()
    {
        var file = temp.File("sd.safetensors");
        using (var weight = zeros(4))
            SafeTensorsWriter.Save(file, [("model.diffusion_model.out.2.bias", weight)]);

        var (code, _, error) = EngineCliTests.Run("check-weights", file);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("from_single_file", error);
    }

    [Fact]
    public void A_pipeline_reports_each_component_and_skips_the_ones_not_run()
    {
        var root = PipelineFolders.Create(temp.File("pipeline"));

        var (code, output, _) = EngineCliTests.Run("check-weights", root);

        var lines = output.Split('\n');
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("OK unet UNet2DConditionModel 208 16928 F32", lines);
        Assert.Contains("OK vae AutoencoderKL 124 11827 F32", lines);
        Assert.Contains("SKIPPED safety_checker StableDiffusionSafetyChecker - - -", lines);
        Assert.Contains("SKIPPED feature_extractor CLIPImageProcessor - - -", lines);
        Assert.Contains("SKIPPED image_encoder - - - -", lines);
        Assert.Contains("SKIPPED tokenizer CLIPTokenizer - - -", lines);
    }

    [Fact]
    public void A_pipeline_missing_a_component_it_needs_fails()
    {
        var root = PipelineFolders.Create(temp.File("pipeline"));
        Directory.Delete(Path.Combine(root, "unet"), recursive: true);

        var (code, output, _) = EngineCliTests.Run("check-weights", root);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("FAIL unet UNet2DConditionModel - - -", output);
        Assert.Contains("folder missing", output);
    }

    [Fact]
    public void Json_output_is_one_object_with_the_components()
    {
        var (code, output, _) = EngineCliTests.Run("check-weights", FixtureFolders.Source("vae_dummy"), "--json");

        Assert.Equal(ExitCodes.Success, code);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal("diffusers-component", root.GetProperty("layout").GetString());
        var component = Assert.Single(root.GetProperty("components").EnumerateArray());
        Assert.Equal("OK", component.GetProperty("status").GetString());
        Assert.Equal("AutoencoderKL", component.GetProperty("class").GetString());
        Assert.Equal(124, component.GetProperty("tensors").GetInt32());
        Assert.Equal(0, component.GetProperty("missing").GetArrayLength());
    }
}
