using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Weights;

public sealed class DiffusersFolderTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = new("diffusers");

    public void Dispose() => temp.Dispose();

    private static Tensor RunUNet(string folder)
    {
        using var unet = UNet2DConditionModel.FromPretrained(folder, ComputeTarget.Cpu);
        using var io = SafeTensorsFile.Open(Path.Combine(FixtureFolders.Source("unet_dummy"), "io.safetensors"));
        using var sample = io.Load("input.sample");
        using var timestep = io.Load("input.timestep");
        using var context = io.Load("input.encoder_hidden_states");
        using var _ = no_grad();
        return unet.forward(sample, timestep, context);
    }

    [Fact]
    public void Strict_loading_names_missing_unexpected_and_misshaped_keys()
    {
        var folder = FixtureFolders.Copy("unet_dummy", temp.File("broken"), tensors =>
        [
            .. tensors.Where(t => t.Name != "conv_in.bias" && t.Name != "conv_out.bias"),
            ("conv_out.bias", zeros(5)),
            ("extra.weight", ones(3)),
        ]);

        var error = Assert.Throws<WeightsMismatchException>(() => UNet2DConditionModel.FromPretrained(folder, ComputeTarget.Cpu));

        Assert.Contains("missing     conv_in.bias [4]", error.Message);
        Assert.Contains("unexpected  extra.weight [3]", error.Message);
        Assert.Contains("mis-shaped  conv_out.bias expected [4], found [5]", error.Message);
    }

    [Theory]
    [InlineData(ScalarType.Float16, "diffusion_pytorch_model.fp16.safetensors", 1.5e-2)]
    [InlineData(ScalarType.BFloat16, FixtureFolders.Weights, 1.2e-1)]
    public void Half_precision_weights_load_as_float32_and_stay_close(ScalarType dtype, string weightsName, double tolerance)
    {
        var folder = FixtureFolders.Copy("unet_dummy", temp.File(dtype.ToString()),
            tensors => tensors.Select(t => (t.Name, t.Tensor.to_type(dtype))).ToList(), weightsName);
        using var reference = RunUNet(FixtureFolders.Source("unet_dummy"));

        using (var unet = UNet2DConditionModel.FromPretrained(folder, ComputeTarget.Cpu))
            Assert.All(unet.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        using var result = RunUNet(folder);

        var comparison = TensorAssert.Close(result, reference, tolerance, name: $"{dtype} vs float32 output");
        output.WriteLine(comparison.ToString());
    }

    [Fact]
    public void Sharded_weights_load_exactly_like_a_single_file()
    {
        var folder = temp.File("sharded");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(FixtureFolders.Source("unet_dummy"), "config.json"), Path.Combine(folder, "config.json"));
        using var scope = NewDisposeScope();
        var tensors = FixtureFolders.ReadAll(Path.Combine(FixtureFolders.Source("unet_dummy"), FixtureFolders.Weights));
        var half = tensors.Count / 2;
        SafeTensorsWriter.Save(Path.Combine(folder, "part-1.safetensors"), tensors.Take(half));
        SafeTensorsWriter.Save(Path.Combine(folder, "part-2.safetensors"), tensors.Skip(half));
        var map = string.Join(",", tensors.Select((t, i) => $"\"{t.Name}\": \"part-{(i < half ? 1 : 2)}.safetensors\""));
        File.WriteAllText(Path.Combine(folder, "diffusion_pytorch_model.safetensors.index.json"), $"{{\"metadata\": {{}}, \"weight_map\": {{{map}}}}}");

        Assert.Equal(2, WeightFiles.Locate(folder, WeightFiles.Diffusers).Count);
        using var sharded = RunUNet(folder);
        using var single = RunUNet(FixtureFolders.Source("unet_dummy"));
        Assert.True(sharded.eq(single).all().item<bool>());
    }

    [Fact]
    public void Shard_index_must_name_files_beside_it()
    {
        var folder = temp.File("escape");
        Directory.CreateDirectory(folder);
        var index = Path.Combine(folder, "model.safetensors.index.json");
        File.WriteAllText(index, "{\"weight_map\": {\"a\": \"../outside.safetensors\"}}");

        var error = Assert.Throws<InputException>(() => ShardIndex.Read(index));
        Assert.Contains("not a file name in the folder", error.Message);
    }

    [Fact]
    public void Legacy_attention_names_and_unit_convolutions_load_into_the_modern_vae()
    {
        var folder = FixtureFolders.Copy("vae_dummy", temp.File("ldm"), tensors => tensors
            .Select(t => t.Name.Contains("mid_block.attentions.0.") && t.Tensor.ndim == 2
                ? (t.Name, t.Tensor.unsqueeze(-1).unsqueeze(-1))
                : t)
            .ToList(), sourceWeights: "diffusion_pytorch_model.legacy_attention.safetensors");

        using var vae = AutoencoderKL.FromPretrained(folder, ComputeTarget.Cpu);
        using var reference = AutoencoderKL.FromPretrained(FixtureFolders.Source("vae_dummy"), ComputeTarget.Cpu);
        foreach (var (key, value) in reference.state_dict())
            Assert.True(value.eq(vae.state_dict()[key]).all().item<bool>(), key);
    }

    [Fact]
    public void A_single_file_stable_diffusion_checkpoint_is_recognised_with_conversion_advice()
    {
        var file = temp.File("v1-5-pruned-emaonly.safetensors");
        using (var weight = zeros(320, 4, 3, 3))
            SafeTensorsWriter.Save(file, [("model.diffusion_model.input_blocks.0.0.weight", weight)]);

        var fromModel = Assert.Throws<InputException>(() => UNet2DConditionModel.FromPretrained(file, ComputeTarget.Cpu));
        var fromPipeline = Assert.Throws<InputException>(() => DiffusersPipelineFolder.Open(file));

        foreach (var message in new[] { fromModel.Message, fromPipeline.Message })
        {
            Assert.Contains("single-file Stable Diffusion checkpoint", message);
            Assert.Contains("from_single_file", message);
            Assert.Contains("convert_original_stable_diffusion_to_diffusers.py", message);
        }
    }

    [Fact]
    public void Missing_folders_weights_and_pickles_give_clear_errors()
    {
        var missing = Assert.Throws<InputException>(() => UNet2DConditionModel.FromPretrained(temp.File("nowhere"), ComputeTarget.Cpu));
        Assert.Contains("model folder not found", missing.Message);

        var noWeights = temp.File("config-only");
        Directory.CreateDirectory(noWeights);
        File.Copy(Path.Combine(FixtureFolders.Source("unet_dummy"), "config.json"), Path.Combine(noWeights, "config.json"));
        var empty = Assert.Throws<InputException>(() => UNet2DConditionModel.FromPretrained(noWeights, ComputeTarget.Cpu));
        Assert.Contains("no weights in", empty.Message);
        Assert.Contains("config.json", empty.Message);

        File.WriteAllText(Path.Combine(noWeights, "diffusion_pytorch_model.bin"), "pickle");
        var pickle = Assert.Throws<InputException>(() => UNet2DConditionModel.FromPretrained(noWeights, ComputeTarget.Cpu));
        Assert.Contains("PyTorch pickle", pickle.Message);
    }

    [Fact]
    public void A_pipeline_folder_is_read_unchanged_and_its_components_located()
    {
        var root = PipelineFolders.Create(temp.File("pipeline"));

        var pipeline = DiffusersPipelineFolder.Open(root);

        Assert.Equal("StableDiffusionPipeline", pipeline.PipelineClass);
        Assert.Equal(Path.Combine(root, "unet"), pipeline.ComponentFolder("unet"));
        Assert.Equal("AutoencoderKL", pipeline.Find("vae")!.ClassName);
        Assert.False(pipeline.Find("safety_checker")!.FolderExists);
        using var unet = UNet2DConditionModel.FromPretrained(pipeline.ComponentFolder("unet"), ComputeTarget.Cpu);
        using var vae = AutoencoderKL.FromPretrained(pipeline.ComponentFolder("vae"), ComputeTarget.Cpu);
    }

    [Fact]
    public void A_pipeline_without_a_component_the_engine_runs_is_refused_by_name()
    {
        var root = PipelineFolders.Create(temp.File("pipeline"));
        Directory.Delete(Path.Combine(root, "vae"), recursive: true);

        var error = Assert.Throws<InputException>(() => DiffusersPipelineFolder.Open(root));

        Assert.Contains("vae/ (folder missing)", error.Message);
    }
}
