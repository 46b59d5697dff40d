using Clap2Diffusion.Engine.Models.Layers;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights.Layouts;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>
/// diffusers' conditional UNet (0.27.2 semantics): sinusoidal time embedding, conv_in, down blocks pushing
/// skip states, a mid block, up blocks consuming them last-first, group norm, activation, conv_out. Predicts
/// the noise (or v) for latents <c>sample</c> at <c>timestep</c> given the text states.
/// </summary>
public sealed class UNet2DConditionModel : nn.Module
{
    public readonly nn.Module<Tensor, Tensor> conv_in;
    public readonly Timesteps time_proj;
    public readonly TimestepEmbedding time_embedding;
    public readonly ModuleList<UNetDownBlock> down_blocks;
    public readonly UNetMidBlock? mid_block;
    public readonly ModuleList<UNetUpBlock> up_blocks;
    public readonly nn.Module<Tensor, Tensor> conv_norm_out;
    public readonly nn.Module<Tensor, Tensor> conv_out;

    private readonly Func<Tensor, Tensor>? time_embed_act;
    private readonly Func<Tensor, Tensor> conv_act;
    private readonly int num_upsamplers;
    private readonly List<TransformerBlockSite> sites = [];

    public UNet2DConditionModel(UNet2DConditionModelConfig config, Device? device = null) : base(nameof(UNet2DConditionModel))
    {
        Config = config.Validate();
        var blocks = config.BlockCount;
        var channels = config.BlockOutChannels;
        var heads = config.HeadsPerBlock;
        var crossDims = config.CrossAttentionDimPerBlock;
        var layers = config.LayersPerBlockList;
        var transformerLayers = config.TransformerLayersPerBlockList;
        var groups = config.NormNumGroups!.Value;
        var temb = config.TimeEmbedDim;

        conv_in = OneDnn.Register(() => nn.Conv2d(config.InChannels, channels[0], config.ConvInKernel, padding: (config.ConvInKernel - 1) / 2, device: device));
        time_proj = new Timesteps(channels[0], config.FlipSinToCos, config.FreqShift);
        time_embedding = new TimestepEmbedding(channels[0], temb, config.ActFn, config.TimestepPostAct, device);
        time_embed_act = config.TimeEmbeddingActFn is null ? null : Activations.Get(config.TimeEmbeddingActFn);

        down_blocks = new ModuleList<UNetDownBlock>();
        var output_channel = channels[0];
        for (var i = 0; i < blocks; i++)
        {
            var input_channel = output_channel;
            output_channel = channels[i];
            var is_final_block = i == blocks - 1;
            var placement = new UNetBlockPlacement($"down_blocks.{i}", UNetLevel.Down, i, i, sites);
            var perLayerTransformers = Enumerable.Repeat(transformerLayers[i], layers[i]).ToArray();
            down_blocks.Add(UNet2DConditionModelConfig.CanonicalBlockType(config.DownBlockTypes[i]) == "CrossAttnDownBlock2D"
                ? new CrossAttnDownBlock2D(input_channel, output_channel, temb, placement, layers[i], perLayerTransformers,
                    config.NormEps, config.ResnetTimeScaleShift, config.ActFn, groups, heads[i], crossDims[i],
                    downsample_padding: config.DownsamplePadding, add_downsample: !is_final_block,
                    use_linear_projection: config.UseLinearProjection, device: device)
                : new DownBlock2D(input_channel, output_channel, temb, placement, layers[i], config.NormEps,
                    config.ResnetTimeScaleShift, config.ActFn, groups, add_downsample: !is_final_block,
                    downsample_padding: config.DownsamplePadding, device: device));
        }

        var innermost = channels[^1];
        var midPlacement = new UNetBlockPlacement("mid_block", UNetLevel.Mid, 0, blocks - 1, sites);
        mid_block = config.MidBlockType switch
        {
            "UNetMidBlock2DCrossAttn" => new UNetMidBlock2DCrossAttn(innermost, temb, midPlacement, 1, [transformerLayers[^1]],
                config.NormEps, config.ResnetTimeScaleShift, config.ActFn, groups, heads[^1], config.MidBlockScaleFactor,
                crossDims[^1], config.UseLinearProjection, device),
            "UNetMidBlock2D" => new UNetMidBlock2D(innermost, temb, 0, config.NormEps, config.ResnetTimeScaleShift,
                config.ActFn, groups, add_attention: false, output_scale_factor: config.MidBlockScaleFactor, device: device),
            _ => null,
        };

        up_blocks = new ModuleList<UNetUpBlock>();
        var reversed_channels = channels.Reverse().ToArray();
        var reversed_heads = heads.Reverse().ToArray();
        var reversed_layers = layers.Reverse().ToArray();
        var reversed_cross = crossDims.Reverse().ToArray();
        var reversed_transformer_layers = transformerLayers.Reverse().ToArray();
        output_channel = reversed_channels[0];
        for (var i = 0; i < blocks; i++)
        {
            var is_final_block = i == blocks - 1;
            var prev_output_channel = output_channel;
            output_channel = reversed_channels[i];
            var input_channel = reversed_channels[Math.Min(i + 1, blocks - 1)];
            if (!is_final_block)
                num_upsamplers++;
            var placement = new UNetBlockPlacement($"up_blocks.{i}", UNetLevel.Up, i, blocks - 1 - i, sites);
            var num_layers = reversed_layers[i] + 1;
            var perLayerTransformers = Enumerable.Repeat(reversed_transformer_layers[i], num_layers).ToArray();
            up_blocks.Add(UNet2DConditionModelConfig.CanonicalBlockType(config.UpBlockTypes[i]) == "CrossAttnUpBlock2D"
                ? new CrossAttnUpBlock2D(input_channel, output_channel, prev_output_channel, temb, placement, num_layers,
                    perLayerTransformers, config.NormEps, config.ResnetTimeScaleShift, config.ActFn, groups,
                    reversed_heads[i], reversed_cross[i], add_upsample: !is_final_block,
                    use_linear_projection: config.UseLinearProjection, device: device)
                : new UpBlock2D(input_channel, prev_output_channel, output_channel, temb, placement, num_layers,
                    config.NormEps, config.ResnetTimeScaleShift, config.ActFn, groups, add_upsample: !is_final_block,
                    device: device));
        }

        conv_norm_out = Norms.GroupNorm(groups, channels[0], config.NormEps, affine: true, device: device);
        conv_act = Activations.Get(config.ActFn);
        conv_out = OneDnn.Register(() => nn.Conv2d(channels[0], config.OutChannels, config.ConvOutKernel, padding: (config.ConvOutKernel - 1) / 2, device: device));
        RegisterComponents();
    }

    public UNet2DConditionModelConfig Config { get; }

    /// <summary>Every transformer block of the UNet in forward order (16 for SD 1.5), for sizing adapters.</summary>
    public IReadOnlyList<TransformerBlockSite> TransformerBlockSites => sites;

    /// <summary>Reads <c>config.json</c> and the weights of a diffusers <c>unet/</c> folder.</summary>
    /// <param name="weightsFile">A weights file (or shard index) other than the usual names, relative to the folder.</param>
    public static UNet2DConditionModel FromPretrained(string folder, ComputeTarget? target = null, string? weightsFile = null)
    {
        WeightFiles.RequireFolder(folder);
        var config = UNet2DConditionModelConfig.Read(folder);
        return PretrainedLoader.Load(folder, target, device => new UNet2DConditionModel(config, device), WeightFiles.Diffusers, weightsFile);
    }

    /// <param name="sample">Latents [B, in_channels, h, w].</param>
    /// <param name="timestep">Scalar, [1] or [B]; integer or fractional.</param>
    /// <param name="encoder_hidden_states">Text states [B, tokens, cross_attention_dim].</param>
    /// <param name="hooks">Optional adapter hook and activation observer.</param>
    /// <returns>[B, out_channels, h, w].</returns>
    public Tensor forward(Tensor sample, Tensor timestep, Tensor encoder_hidden_states, UNetHooks? hooks = null)
    {
        CheckInputs(sample, timestep, encoder_hidden_states);
        using var scope = NewDisposeScope();
        var observer = hooks?.Observer;

        var default_overall_up_factor = 1L << num_upsamplers;
        var forward_upsample_size = sample.shape[^2..].Any(dim => dim % default_overall_up_factor != 0);

        if (Config.CenterInputSample)
            sample = Scalars.Two * sample - Scalars.OneDouble;

        var timesteps = timestep.ndim == 0 ? timestep.unsqueeze(0) : timestep;
        timesteps = timesteps.to(sample.device).expand(sample.shape[0]);
        var t_emb = time_proj.forward(timesteps).to_type(sample.dtype);
        observer?.Invoke("time_proj", t_emb);
        var emb = time_embedding.forward(t_emb);
        if (time_embed_act is not null)
            emb = time_embed_act(emb);
        observer?.Invoke("time_embedding", emb);

        sample = conv_in.forward(sample);
        observer?.Invoke("conv_in", sample);

        var down_block_res_samples = new List<Tensor> { sample };
        foreach (var block in down_blocks)
        {
            (sample, var res_samples) = block.forward(sample, emb, encoder_hidden_states, hooks);
            down_block_res_samples.AddRange(res_samples);
        }

        if (mid_block is not null)
            sample = mid_block.forward(sample, emb, encoder_hidden_states, hooks);

        long[]? upsample_size = null;
        for (var i = 0; i < up_blocks.Count; i++)
        {
            var block = up_blocks[i];
            var is_final_block = i == up_blocks.Count - 1;
            var start = down_block_res_samples.Count - block.SkipCount;
            var res_samples = down_block_res_samples.GetRange(start, block.SkipCount);
            down_block_res_samples.RemoveRange(start, block.SkipCount);
            if (!is_final_block && forward_upsample_size)
                upsample_size = down_block_res_samples[^1].shape[2..];
            sample = block.forward(sample, res_samples, emb, encoder_hidden_states, upsample_size, hooks);
        }

        sample = conv_norm_out.forward(sample);
        observer?.Invoke("conv_norm_out", sample);
        sample = conv_act(sample);
        sample = conv_out.forward(sample);
        observer?.Invoke("conv_out", sample);
        return scope.MoveToOuter(sample);
    }

    /// <summary>The same with a plain number as the timestep (broadcast to the batch).</summary>
    public Tensor forward(Tensor sample, double timestep, Tensor encoder_hidden_states, UNetHooks? hooks = null)
    {
        using var t = tensor(timestep, ScalarType.Float64, sample.device);
        return forward(sample, t, encoder_hidden_states, hooks);
    }

    private void CheckInputs(Tensor sample, Tensor timestep, Tensor encoder_hidden_states)
    {
        if (sample.ndim != 4 || sample.shape[1] != Config.InChannels)
            throw new InputException($"UNet sample must be [batch, {Config.InChannels}, height, width], not [{string.Join(", ", sample.shape)}]");
        if (sample.shape[2] < 1 || sample.shape[3] < 1)
            throw new InputException("UNet sample has an empty spatial size");
        var batch = sample.shape[0];
        if (timestep.ndim > 1 || (timestep.numel() != 1 && timestep.numel() != batch))
            throw new InputException($"UNet timestep must be a scalar, [1] or [{batch}], not [{string.Join(", ", timestep.shape)}]");
        var crossDims = Config.CrossAttentionDimPerBlock.Distinct().ToArray();
        if (encoder_hidden_states.ndim != 3 || encoder_hidden_states.shape[0] != batch
            || (crossDims.Length == 1 && encoder_hidden_states.shape[2] != crossDims[0]))
            throw new InputException($"UNet encoder_hidden_states must be [{batch}, tokens, {string.Join("|", crossDims)}], " +
                $"not [{string.Join(", ", encoder_hidden_states.shape)}]");
    }
}
