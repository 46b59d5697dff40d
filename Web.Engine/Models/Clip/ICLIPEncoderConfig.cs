namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>The part of a CLIP text or vision config that shapes its transformer encoder.</summary>
public interface ICLIPEncoderConfig
{
    int HiddenSize { get; }

    int IntermediateSize { get; }

    int NumHiddenLayers { get; }

    int NumAttentionHeads { get; }

    string HiddenAct { get; }

    double LayerNormEps { get; }
}
