using System.Text.Json;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Tests.Engine.Clap;

public sealed class ClapConfigTests
{
    [Fact]
    public void Fixture_config_reads_with_the_top_level_projection_in_both_halves()
    {
        var config = ClapConfig.Read(Path.Combine(ClapTinyFixture.Folder, "config.json"));

        Assert.Equal(24, config.TextConfig.ProjectionDim);
        Assert.Equal(24, config.AudioConfig.ProjectionDim);
        Assert.Equal(1e-12, config.TextConfig.LayerNormEps);
        Assert.Equal(128, config.AudioConfig.HiddenSize);
        Assert.Equal(128, config.AudioConfig.EncoderWidth);
        Assert.Equal([1, 1, 2, 1], config.AudioConfig.Depths);
        Assert.Equal((8, 8), config.AudioConfig.StageResolution(3));
    }

    [Fact]
    public void Top_level_projection_settings_overwrite_the_sub_configs()
    {
        var config = ClapConfig.Parse("""
            {"model_type": "clap", "projection_dim": 64, "projection_hidden_act": "gelu",
             "text_config": {"projection_dim": 99, "projection_hidden_act": "relu"},
             "audio_config": {"projection_dim": 77, "projection_hidden_act": "tanh"}}
            """, "test");

        Assert.Equal((64, "gelu"), (config.TextConfig.ProjectionDim, config.TextConfig.ProjectionHiddenAct));
        Assert.Equal((64, "gelu"), (config.AudioConfig.ProjectionDim, config.AudioConfig.ProjectionHiddenAct));
    }

    [Fact]
    public void Defaults_are_the_published_unfused_model()
    {
        static string Json(ClapConfig config) => JsonSerializer.Serialize(config, ConfigJson.Options);

        Assert.Equal(Json(ClapConfig.HtsatUnfused), Json(new ClapConfig()));
        Assert.Equal(768, ClapConfig.HtsatUnfused.AudioConfig.EncoderWidth);
        Assert.Equal((1024, 64, 4), (ClapConfig.HtsatUnfused.AudioConfig.SpecWidth, ClapConfig.HtsatUnfused.AudioConfig.SpecHeight,
            ClapConfig.HtsatUnfused.AudioConfig.FreqRatio));
    }

    [Fact]
    public void Encoder_width_that_disagrees_with_hidden_size_is_refused_with_both_numbers()
    {
        var config = new ClapAudioConfig { PatchEmbedsHiddenSize = 16, Depths = [1, 1, 2, 1], NumAttentionHeads = [1, 2, 2, 4], HiddenSize = 768 };

        var error = Assert.Throws<InputException>(() => config.Validate("config.json"));

        Assert.Contains("config.json: audio_config:", error.Message);
        Assert.Contains("16·2^3 = 128", error.Message);
        Assert.Contains("hidden_size = 768", error.Message);
    }

    [Theory]
    [InlineData("""{"enable_fusion": true}""", "unfused")]
    [InlineData("""{"hidden_act": "mish"}""", "audio_config.hidden_act 'mish'")]
    [InlineData("""{"depths": [2, 2, 6], "num_attention_heads": [4, 8, 16, 32], "hidden_size": 384}""", "one positive entry per stage")]
    [InlineData("""{"spec_size": 128}""", "stage 3 works on a 4x4 token grid")]
    [InlineData("""{"num_attention_heads": [4, 8, 16, 5]}""", "stage 3 width 768 is not a multiple of its 5 heads")]
    public void Unusable_audio_configs_are_refused_clearly(string audioJson, string expected)
    {
        var config = ClapConfig.Parse($$"""{"audio_config": {{audioJson}}}""", "config.json");

        var error = Assert.Throws<InputException>(() => config.Validate("config.json"));

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("""{"hidden_size": 100, "num_attention_heads": 12}""", "not a multiple of num_attention_heads")]
    [InlineData("""{"position_embedding_type": "relative_key"}""", "position_embedding_type 'relative_key'")]
    [InlineData("""{"max_position_embeddings": 2}""", "leaves no position")]
    public void Unusable_text_configs_are_refused_clearly(string textJson, string expected)
    {
        var config = ClapConfig.Parse($$"""{"text_config": {{textJson}}}""", "config.json");

        var error = Assert.Throws<InputException>(() => config.Validate("config.json"));

        Assert.Contains("text_config", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Patch_stride_may_be_one_int_as_in_transformers()
    {
        var config = ConfigJson.Parse<ClapAudioConfig>("""{"patch_stride": 4, "patch_size": [4, 4]}""", "test");

        Assert.Equal([4, 4], config.PatchStride);
    }

    [Fact]
    public void An_audio_only_config_is_refused_as_a_full_model_and_pointed_elsewhere()
    {
        var error = Assert.Throws<InputException>(() => ClapConfig.Parse("""{"model_type": "clap_audio_model"}""", "config.json"));

        Assert.Contains("ClapAudioModelWithProjection", error.Message);
    }
}
