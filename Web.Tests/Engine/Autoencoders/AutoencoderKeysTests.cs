using Clap2Diffusion.Tests.Engine.Unets;

namespace Clap2Diffusion.Tests.Engine.Autoencoders;

public sealed class AutoencoderKeysTests
{
    [Fact]
    public void Sd15_vae_keys_and_shapes_equal_the_spec()
    {
        var keys = UNetKeysTests.KeysLines("sd15-vae");

        Assert.Equal(248, keys.Count);
        Assert.Equal(UNetKeysTests.SpecLines("sd15-vae.tsv"), keys);
    }
}
