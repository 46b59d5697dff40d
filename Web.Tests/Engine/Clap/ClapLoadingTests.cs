using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Clap;

/// <summary>FromPretrained on altered copies of the clap_tiny folder: strict keys, derived buffers, layouts, audio-only.</summary>
public sealed class ClapLoadingTests : IDisposable
{
    private readonly TempFolder folder = new("clap");

    public void Dispose() => folder.Dispose();

    private static Dictionary<string, Tensor> FixtureWeights()
    {
        using var file = SafeTensorsFile.Open(Path.Combine(ClapTinyFixture.Folder, "model.safetensors"));
        return file.Names.ToDictionary(name => name, name => file.Load(name), StringComparer.Ordinal);
    }

    /// <summary>Writes a model folder with the fixture's config and the given tensors.</summary>
    private string WriteFolder(IEnumerable<(string Name, Tensor Tensor)> tensors, string? config = null, string name = "model")
    {
        var path = Path.Combine(folder.Path, name);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "config.json"), config ?? File.ReadAllText(Path.Combine(ClapTinyFixture.Folder, "config.json")));
        SafeTensorsWriter.Save(Path.Combine(path, "model.safetensors"), tensors);
        return path;
    }

    private static Tensor AudioFeatures(ClapAudioModelWithProjection model)
    {
        using var io = ClapTinyFixture.OpenAudio();
        using var features = io.Load("input_features");
        using var _ = no_grad();
        return model.GetAudioFeatures(features);
    }

    [Fact]
    public void Missing_unexpected_and_misshaped_keys_are_all_named()
    {
        var weights = FixtureWeights();
        const string dropped = "audio_model.audio_encoder.layers.2.blocks.1.attention.self.relative_position_bias_table";
        const string reshaped = "text_projection.linear2.weight";
        var tensors = weights.Where(kv => kv.Key != dropped)
            .Select(kv => (kv.Key, kv.Key == reshaped ? kv.Value.narrow(0, 0, 20) : kv.Value))
            .Append(("audio_model.audio_encoder.tscam_conv.weight", ones(527, 128, 2, 3)));
        var path = WriteFolder(tensors);

        var error = Assert.Throws<WeightsMismatchException>(() => ClapModel.FromPretrained(path));

        Assert.Contains($"missing     {dropped} [225, 2]", error.Message);
        Assert.Contains("unexpected  audio_model.audio_encoder.tscam_conv.weight [527, 128, 2, 3]", error.Message);
        Assert.Contains($"mis-shaped  {reshaped} expected [24, 24], found [20, 24]", error.Message);
        Assert.Contains("1 missing, 1 unexpected, 1 mis-shaped", error.Message);
    }

    [Fact]
    public void Derived_buffers_may_be_present_or_absent_and_are_recomputed()
    {
        var weights = FixtureWeights();
        const string index = "audio_model.audio_encoder.layers.0.blocks.0.attention.self.relative_position_index";
        var tensors = weights.Where(kv => !kv.Key.EndsWith(".relative_position_index", StringComparison.Ordinal)
                || kv.Key == index)
            .Select(kv => (kv.Key, kv.Key == index ? zeros(64, 64, dtype: ScalarType.Int64) : kv.Value))
            .Append(("text_model.embeddings.position_ids", arange(40).unsqueeze(0)))
            .Append(("text_model.embeddings.token_type_ids", zeros(1, 40, dtype: ScalarType.Int64)));
        var path = WriteFolder(tensors);

        using var model = ClapAudioModelWithProjection.FromPretrained(path);
        using var features = AudioFeatures(model);
        using var io = ClapTinyFixture.OpenAudio();
        using var expected = io.Load("audio_features");

        TensorAssert.Close(features, expected, 1e-4, ClapTinyFixture.Rtol, "audio_features");
        using var recomputed = ClapAudioSelfAttention.RelativePositionIndex(8);
        Assert.True(model.audio_model.audio_encoder.layers[0].blocks[0].attention.self.relative_position_index.eq(recomputed).all().item<bool>());
    }

    [Fact]
    public void An_audio_only_folder_loads_as_ClapAudioModelWithProjection()
    {
        var config = ClapConfig.Read(Path.Combine(ClapTinyFixture.Folder, "config.json"));
        var audioJson = System.Text.Json.JsonSerializer.Serialize(config.AudioConfig, ConfigJson.Options);
        var path = WriteFolder(FixtureWeights().Where(kv => kv.Key.StartsWith("audio_", StringComparison.Ordinal))
            .Select(kv => (kv.Key, kv.Value)), audioJson);

        using var model = ClapAudioModelWithProjection.FromPretrained(path);
        using var features = AudioFeatures(model);
        using var io = ClapTinyFixture.OpenAudio();
        using var expected = io.Load("audio_features");

        TensorAssert.Close(features, expected, 1e-4, ClapTinyFixture.Rtol, "audio_features");
        Assert.DoesNotContain(model.parameters(), p => p.requires_grad);
        var error = Assert.Throws<InputException>(() => ClapModel.FromPretrained(path));
        Assert.Contains("clap_audio_model", error.Message);
    }

    [Fact]
    public void The_audio_half_of_a_full_folder_is_still_loaded_strictly()
    {
        const string dropped = "audio_projection.linear1.bias";
        var path = WriteFolder(FixtureWeights().Where(kv => kv.Key != dropped).Select(kv => (kv.Key, kv.Value)));

        var error = Assert.Throws<WeightsMismatchException>(() => ClapAudioModelWithProjection.FromPretrained(path));

        Assert.Contains($"missing     {dropped} [24]", error.Message);
        Assert.DoesNotContain("text_model", error.Message);
    }

    [Fact]
    public void Sharded_safetensors_with_an_index_load()
    {
        var path = Path.Combine(folder.Path, "sharded");
        Directory.CreateDirectory(path);
        File.Copy(Path.Combine(ClapTinyFixture.Folder, "config.json"), Path.Combine(path, "config.json"));
        var weights = FixtureWeights();
        string ShardOf(string key) => key.StartsWith("text_", StringComparison.Ordinal) ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors";
        foreach (var shard in weights.Keys.GroupBy(ShardOf))
            SafeTensorsWriter.Save(Path.Combine(path, shard.Key), shard.Select(key => (key, weights[key])));
        var map = string.Join(",\n", weights.Keys.Select(key => $"\"{key}\": \"{ShardOf(key)}\""));
        File.WriteAllText(Path.Combine(path, "model.safetensors.index.json"), $$$"""{"metadata": {}, "weight_map": { {{{map}}} }}""");

        using var model = ClapModel.FromPretrained(path);

        Assert.Equal(3.0f, model.logit_scale_a.item<float>());
        Assert.Equal(2.5f, model.logit_scale_t.item<float>());
    }

    [Fact]
    public void A_float16_target_converts_the_weights_and_keeps_the_index_buffers_integer()
    {
        using var model = ClapModel.FromPretrained(ClapTinyFixture.Folder, new ComputeTarget(CPU, ScalarType.Float16));
        using var io = ClapTinyFixture.OpenAudio();
        using var text = ClapTinyFixture.OpenText();
        using var features = io.Load("input_features");
        using var ids = text.Load("input_ids");
        using var mask = text.Load("attention_mask");

        using var _ = no_grad();
        using var audio = model.GetAudioFeatures(features);
        using var prompts = model.GetTextFeatures(ids, mask);

        Assert.Equal(ScalarType.Float16, audio.dtype);
        Assert.Equal(ScalarType.Int64, model.audio_model.audio_encoder.layers[2].blocks[1].attention.self.relative_position_index.dtype);
        using var expectedAudio = io.Load("audio_features");
        using var expectedText = text.Load("text_features");
        TensorAssert.Close(audio, expectedAudio, 5e-3, 0, "audio_features (float16)");
        TensorAssert.Close(prompts, expectedText, 5e-3, 0, "text_features (float16)");
    }

    [Fact]
    public void A_folder_with_only_a_pickle_is_refused_with_the_fix()
    {
        var path = Path.Combine(folder.Path, "pickle");
        Directory.CreateDirectory(path);
        File.Copy(Path.Combine(ClapTinyFixture.Folder, "config.json"), Path.Combine(path, "config.json"));
        File.WriteAllBytes(Path.Combine(path, "pytorch_model.bin"), [0x80, 0x02]);

        var error = Assert.Throws<InputException>(() => ClapModel.FromPretrained(path));

        Assert.Contains("pytorch_model.bin", error.Message);
        Assert.Contains("safetensors", error.Message);
    }

    [Fact]
    public void A_missing_folder_or_config_is_an_input_error()
    {
        Assert.Contains("not found", Assert.Throws<InputException>(() => ClapModel.FromPretrained(folder.File("absent"))).Message);
        Assert.Contains("config.json", Assert.Throws<InputException>(() => ClapModel.FromPretrained(folder.Path)).Message);
    }

    [Fact]
    public void A_config_error_is_reported_before_any_weights_are_read()
    {
        var config = File.ReadAllText(Path.Combine(ClapTinyFixture.Folder, "config.json")).Replace("\"hidden_size\": 128", "\"hidden_size\": 768");
        var path = WriteFolder([("unused", ones(1))], config);

        var error = Assert.Throws<InputException>(() => ClapModel.FromPretrained(path));

        Assert.Contains("must equal hidden_size = 768", error.Message);
    }
}
