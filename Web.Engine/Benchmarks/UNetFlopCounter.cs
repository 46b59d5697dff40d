using Clap2Diffusion.Engine.Models.Unets;

namespace Clap2Diffusion.Engine.Benchmarks;

/// <summary>One counted operation: its FLOPs (2 × multiply-accumulates) and where the forward pass reports it.</summary>
/// <param name="Path">The activation path (<see cref="UNetHooks.Observer"/>) whose timing window holds the operation.</param>
/// <param name="Operation">What it is, e.g. <c>conv1</c>, <c>to_q</c>, <c>q·kᵀ</c>.</param>
/// <param name="Kind"><c>conv</c>, <c>linear</c> or <c>attention</c> (the two attention matmuls).</param>
public sealed record FlopEntry(string Path, string Operation, string Kind, long Flops);

/// <summary>
/// Counts a UNet forward pass's FLOPs from its config alone: convolutions, linear layers and the attention
/// matmuls (q·kᵀ and p·v), each as 2 × multiply-accumulates. Norms, activations, softmax, additions and
/// biases are not counted. Spatial sizes follow the forward pass exactly, odd sizes included.
/// </summary>
public static class UNetFlopCounter
{
    public static IReadOnlyList<FlopEntry> Count(UNet2DConditionModelConfig config, long batch, long height, long width, long tokens)
    {
        config.Validate();
        var entries = new List<FlopEntry>();
        var channels = config.BlockOutChannels;
        var heads = config.HeadsPerBlock;
        var cross = config.CrossAttentionDimPerBlock;
        var layers = config.LayersPerBlockList;
        var transformerLayers = config.TransformerLayersPerBlockList;
        var temb = (long)config.TimeEmbedDim;
        var blocks = channels.Length;

        void Conv(string path, string op, long cin, long cout, long kernel, long h, long w) =>
            entries.Add(new(path, op, "conv", 2 * batch * h * w * cin * cout * kernel * kernel));
        void Linear(string path, string op, long rows, long fin, long fout) =>
            entries.Add(new(path, op, "linear", 2 * batch * rows * fin * fout));

        void Resnet(string path, long cin, long cout, long h, long w)
        {
            Conv(path, "conv1", cin, cout, 3, h, w);
            Linear(path, "time_emb_proj", 1, temb, config.ResnetTimeScaleShift == "scale_shift" ? 2 * cout : cout);
            Conv(path, "conv2", cout, cout, 3, h, w);
            if (cin != cout)
                Conv(path, "conv_shortcut", cin, cout, 1, h, w);
        }

        void Transformer(string path, long c, long headCount, long crossDim, int depth, long h, long w)
        {
            var inner = headCount * (c / headCount);
            var n = h * w;
            if (config.UseLinearProjection)
                Linear($"{path}.proj_in", "proj_in", n, c, inner);
            else
                Conv($"{path}.proj_in", "proj_in", c, inner, 1, h, w);
            for (var d = 0; d < depth; d++)
            {
                var block = $"{path}.transformer_blocks.{d}";
                foreach (var (part, context, contextDim) in new[] { ("attn1", n, inner), ("attn2", tokens, crossDim) })
                {
                    var site = $"{block}.{part}";
                    Linear(site, "to_q", n, inner, inner);
                    Linear(site, "to_k", context, contextDim, inner);
                    Linear(site, "to_v", context, contextDim, inner);
                    entries.Add(new(site, "q·kᵀ", "attention", 2 * batch * n * context * inner));
                    entries.Add(new(site, "p·v", "attention", 2 * batch * n * context * inner));
                    Linear(site, "to_out.0", n, inner, inner);
                }
                Linear($"{block}.ff", "ff.net.0.proj", n, inner, 8 * inner);
                Linear($"{block}.ff", "ff.net.2", n, 4 * inner, inner);
            }
            if (config.UseLinearProjection)
                Linear(path, "proj_out", n, inner, c);
            else
                Conv(path, "proj_out", inner, c, 1, h, w);
        }

        Linear("time_embedding", "linear_1", 1, channels[0], temb);
        Linear("time_embedding", "linear_2", 1, temb, temb);
        Conv("conv_in", "conv_in", config.InChannels, channels[0], config.ConvInKernel, height, width);

        var skips = new Stack<(long Channels, long H, long W)>();
        skips.Push((channels[0], height, width));
        var (ch, hh, ww) = (channels[0], height, width);
        for (var i = 0; i < blocks; i++)
        {
            var path = $"down_blocks.{i}";
            var crossAttention = UNet2DConditionModelConfig.CanonicalBlockType(config.DownBlockTypes[i]) == "CrossAttnDownBlock2D";
            for (var j = 0; j < layers[i]; j++)
            {
                Resnet($"{path}.resnets.{j}", ch, channels[i], hh, ww);
                ch = channels[i];
                if (crossAttention)
                    Transformer($"{path}.attentions.{j}", ch, heads[i], cross[i], transformerLayers[i], hh, ww);
                skips.Push((ch, hh, ww));
            }
            if (i < blocks - 1)
            {
                (hh, ww) = ((hh + 1) / 2, (ww + 1) / 2);
                Conv($"{path}.downsamplers.0", "conv", ch, ch, 3, hh, ww);
                skips.Push((ch, hh, ww));
            }
        }

        if (config.MidBlockType is not null)
        {
            Resnet("mid_block.resnets.0", ch, ch, hh, ww);
            if (config.MidBlockType == "UNetMidBlock2DCrossAttn")
            {
                Transformer("mid_block.attentions.0", ch, heads[^1], cross[^1], transformerLayers[^1], hh, ww);
                Resnet("mid_block.resnets.1", ch, ch, hh, ww);
            }
        }

        var upFactor = 1L << (blocks - 1);
        var exactSizes = height % upFactor != 0 || width % upFactor != 0;
        for (var i = 0; i < blocks; i++)
        {
            var path = $"up_blocks.{i}";
            var up = blocks - 1 - i;
            var crossAttention = UNet2DConditionModelConfig.CanonicalBlockType(config.UpBlockTypes[i]) == "CrossAttnUpBlock2D";
            for (var j = 0; j < layers[up] + 1; j++)
            {
                var skip = skips.Pop();
                Resnet($"{path}.resnets.{j}", ch + skip.Channels, channels[up], hh, ww);
                ch = channels[up];
                if (crossAttention)
                    Transformer($"{path}.attentions.{j}", ch, heads[up], cross[up], transformerLayers[up], hh, ww);
            }
            if (i < blocks - 1)
            {
                (hh, ww) = exactSizes ? (skips.Peek().H, skips.Peek().W) : (2 * hh, 2 * ww);
                Conv($"{path}.upsamplers.0", "conv", ch, ch, 3, hh, ww);
            }
        }

        Conv("conv_out", "conv_out", channels[0], config.OutChannels, config.ConvOutKernel, hh, ww);
        return entries;
    }
}
