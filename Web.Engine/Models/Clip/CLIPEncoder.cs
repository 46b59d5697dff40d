using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>transformers' <c>CLIPEncoder</c>: the stack of <see cref="CLIPEncoderLayer"/>s.</summary>
public sealed class CLIPEncoder : nn.Module
{
    public readonly ModuleList<CLIPEncoderLayer> layers;

    public CLIPEncoder(ICLIPEncoderConfig config, Device? device = null) : base(nameof(CLIPEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new CLIPEncoderLayer(config, device)).ToArray());
        RegisterComponents();
    }

    /// <summary>
    /// The last layer's output and, when asked, every hidden state: the input first, then each layer's
    /// output (transformers' <c>hidden_states</c>, <c>NumHiddenLayers + 1</c> entries).
    /// </summary>
    public (Tensor LastHiddenState, IReadOnlyList<Tensor>? HiddenStates) forward(Tensor inputs_embeds, Tensor? attention_mask,
        bool output_hidden_states = false)
    {
        var states = output_hidden_states ? new List<Tensor> { inputs_embeds } : null;
        var h = inputs_embeds;
        foreach (var layer in layers)
        {
            var next = layer.forward(h, attention_mask);
            if (states is null && !ReferenceEquals(h, inputs_embeds))
                h.Dispose();
            h = next;
            states?.Add(h);
        }
        return (h, states);
    }
}
