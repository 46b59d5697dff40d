namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>
/// Where a block is being built inside a UNet: its state-dict path (for observed activations) and what its
/// transformer blocks need to know to describe their <see cref="TransformerBlockSite"/>. Blocks are built in
/// forward order, so appending to <see cref="Sites"/> numbers the sites in forward order.
/// </summary>
public sealed record UNetBlockPlacement(string Path, UNetLevel Level, int BlockIndex, int Downsamplings, List<TransformerBlockSite> Sites)
{
    /// <summary>Creates the sites of the transformer blocks of <c>attentions.{attentionIndex}</c>, one per layer.</summary>
    public Func<int, TransformerBlockSite> SitesOf(int attentionIndex, long channels, long heads, long crossAttentionDim) =>
        layer =>
        {
            var site = new TransformerBlockSite(Sites.Count, $"{Path}.attentions.{attentionIndex}.transformer_blocks.{layer}",
                Level, BlockIndex, channels, heads, crossAttentionDim, Downsamplings);
            Sites.Add(site);
            return site;
        };

    public string AttentionPath(int attentionIndex) => $"{Path}.attentions.{attentionIndex}";
}
