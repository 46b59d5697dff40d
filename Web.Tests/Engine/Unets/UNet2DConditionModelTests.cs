using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Unets;

public sealed class UNet2DConditionModelTests
{
    private const string TinyLinearConfig = """
        {
          "_class_name": "UNet2DConditionModel",
          "block_out_channels": [8, 16],
          "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
          "up_block_types": ["CrossAttnUpBlock2D", "UNetResCrossAttnUpBlock2D"],
          "layers_per_block": [1, 2],
          "attention_head_dim": [2, 4],
          "transformer_layers_per_block": [1, 2],
          "cross_attention_dim": 12,
          "norm_num_groups": 4,
          "use_linear_projection": true,
          "resnet_time_scale_shift": "scale_shift",
          "upcast_attention": null,
          "lambda_for_python": NaN
        }
        """;

    [Fact]
    public void Latents_that_are_not_a_multiple_of_the_down_factor_keep_their_size()
    {
        using var unet = UNet2DConditionModel.FromPretrained(FixtureFolders.Source("unet_mini"), ComputeTarget.Cpu);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var sample = randn(1, 4, 13, 11);

        var result = unet.forward(sample, 500, randn(1, 77, 32));

        Assert.Equal([1L, 4, 13, 11], result.shape);
        Assert.True(result.isfinite().all().item<bool>());
    }

    [Fact]
    public void A_number_a_scalar_tensor_and_a_per_batch_tensor_are_the_same_timestep()
    {
        using var unet = UNet2DConditionModel.FromPretrained(FixtureFolders.Source("unet_dummy"), ComputeTarget.Cpu);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var sample = randn(2, 4, 8, 8);
        var context = randn(2, 77, 8);

        var fromNumber = unet.forward(sample, 281.0, context);
        var fromScalar = unet.forward(sample, tensor(281L), context);
        var fromBatch = unet.forward(sample, tensor(new long[] { 281, 281 }), context);

        Assert.True(fromNumber.eq(fromScalar).all().item<bool>());
        Assert.True(fromNumber.eq(fromBatch).all().item<bool>());
    }

    [Fact]
    public void Per_block_lists_linear_projections_and_scale_shift_follow_the_config()
    {
        var config = ConfigJson.Parse<UNet2DConditionModelConfig>(TinyLinearConfig, "tiny");
        using var meta = new UNet2DConditionModel(config, META);
        var keys = meta.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        Assert.Equal([8L, 8], keys["down_blocks.0.attentions.0.proj_in.weight"]);
        Assert.Equal([16L, 16], keys["down_blocks.1.attentions.1.proj_out.weight"]);
        Assert.True(keys.ContainsKey("down_blocks.1.attentions.0.transformer_blocks.1.ff.net.2.weight"));
        Assert.False(keys.ContainsKey("down_blocks.0.attentions.0.transformer_blocks.1.norm1.weight"));
        Assert.Equal([16L, 12], keys["up_blocks.0.attentions.2.transformer_blocks.1.attn2.to_k.weight"]);
        Assert.Equal([2 * 8L, 32], keys["down_blocks.0.resnets.0.time_emb_proj.weight"]);
        (long, long)[] narrow = [(2, 8)], wide = [(4, 16)];
        Assert.Equal(
            [.. narrow, .. Enumerable.Repeat(wide[0], 4 + 2 + 6), .. Enumerable.Repeat(narrow[0], 2)],
            meta.TransformerBlockSites.Select(s => (s.Heads, s.Channels)));

        using var unet = new UNet2DConditionModel(config);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Assert.Equal([2L, 4, 6, 6], unet.forward(randn(2, 4, 6, 6), tensor(new[] { 10.5, 700.0 }), randn(2, 5, 12)).shape);
    }

    [Theory]
    [InlineData("\"class_embed_type\": \"timestep\"", "class embeddings")]
    [InlineData("\"addition_embed_type\": \"text_time\"", "addition_embed_type")]
    [InlineData("\"down_block_types\": [\"AttnDownBlock2D\", \"DownBlock2D\"]", "down block type 'AttnDownBlock2D'")]
    [InlineData("\"num_attention_heads\": 8", "num_attention_heads must be null")]
    [InlineData("\"attention_head_dim\": [8, 8, 8]", "'attention_head_dim' lists 3 values but the model has 2 blocks")]
    [InlineData("\"only_cross_attention\": [false, true]", "only_cross_attention")]
    [InlineData("\"time_embedding_type\": \"fourier\"", "time_embedding_type 'fourier'")]
    [InlineData("\"act_fn\": \"tanh\"", "unsupported activation function 'tanh'")]
    [InlineData("\"norm_num_groups\": 3", "divisible by norm_num_groups 3")]
    public void Configs_the_engine_cannot_run_exactly_are_refused_with_a_reason(string setting, string message)
    {
        var json = $$"""{"block_out_channels": [8, 16], "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"], "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"], "norm_num_groups": 4, {{setting}}}""";

        var error = Assert.Throws<InputException>(() => ConfigJson.Parse<UNet2DConditionModelConfig>(json, "test").Validate());

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Inputs_of_the_wrong_shape_are_refused_with_the_expected_shape()
    {
        using var unet = UNet2DConditionModel.FromPretrained(FixtureFolders.Source("unet_dummy"), ComputeTarget.Cpu);
        using var scope = NewDisposeScope();

        var channels = Assert.Throws<InputException>(() => unet.forward(randn(1, 3, 8, 8), 1.0, randn(1, 77, 8)));
        var context = Assert.Throws<InputException>(() => unet.forward(randn(1, 4, 8, 8), 1.0, randn(1, 77, 768)));
        var timesteps = Assert.Throws<InputException>(() => unet.forward(randn(2, 4, 8, 8), tensor(new long[] { 1, 2, 3 }), randn(2, 77, 8)));

        Assert.Contains("[batch, 4, height, width]", channels.Message);
        Assert.Contains("[1, tokens, 8]", context.Message);
        Assert.Contains("scalar, [1] or [2]", timesteps.Message);
    }
}
