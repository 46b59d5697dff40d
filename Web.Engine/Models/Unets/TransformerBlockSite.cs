namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>
/// Where one <c>BasicTransformerBlock</c> sits in a UNet. Fixed when the UNet is built, so adapters can
/// create one module per site up front (<see cref="UNet2DConditionModel.TransformerBlockSites"/>).
/// </summary>
/// <param name="Index">Position in forward order, 0 .. sites-1 (SD 1.5: 0-5 down, 6 mid, 7-15 up).</param>
/// <param name="Path">The block's state-dict path, e.g. <c>down_blocks.1.attentions.0.transformer_blocks.0</c>.</param>
/// <param name="Level">Down, mid or up.</param>
/// <param name="BlockIndex">Index of the enclosing down or up block (0 for the mid block).</param>
/// <param name="Channels">Width C of the token stream the hook sees ([B, H*W, C]).</param>
/// <param name="Heads">Attention heads of the block.</param>
/// <param name="CrossAttentionDim">Width of the text context the block attends to.</param>
/// <param name="Downsamplings">How many 2x downsamplers precede the block, so H = latent height halved
/// (rounding up) this many times.</param>
public sealed record TransformerBlockSite(
    int Index,
    string Path,
    UNetLevel Level,
    int BlockIndex,
    long Channels,
    long Heads,
    long CrossAttentionDim,
    int Downsamplings);
