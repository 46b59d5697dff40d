using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// Token ids of one or more texts, all of one length, with transformers' attention mask: 1 on real tokens
/// (including the begin and end tokens), 0 on padding.
/// </summary>
public sealed record TokenizedBatch(IReadOnlyList<long[]> InputIds, IReadOnlyList<long[]> AttentionMask)
{
    public int Count => InputIds.Count;

    public int Length => InputIds.Count == 0 ? 0 : InputIds[0].Length;

    /// <summary><c>input_ids</c> as an int64 tensor [batch, length].</summary>
    public Tensor InputIdsTensor(Device? device = null) => ToTensor(InputIds, device);

    /// <summary><c>attention_mask</c> as an int64 tensor [batch, length].</summary>
    public Tensor AttentionMaskTensor(Device? device = null) => ToTensor(AttentionMask, device);

    private Tensor ToTensor(IReadOnlyList<long[]> rows, Device? device)
    {
        var flat = new long[Count * Length];
        for (var i = 0; i < rows.Count; i++)
            rows[i].CopyTo(flat, i * Length);
        return tensor(flat, [Count, Length], device: device);
    }
}
