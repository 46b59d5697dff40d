using Clap2Diffusion.Engine.Parity;
using Clap2Diffusion.Tests.Engine.Fid;

namespace Clap2Diffusion.Tests.Engine.Parity;

public sealed class FidFixWeightsTests
{
    [Fact]
    public void The_engine_generates_exactly_the_keys_and_shapes_of_the_fid_key_list()
    {
        static IEnumerable<string> Entries(IEnumerable<(string Key, long[] Shape)> keys) =>
            keys.Select(k => $"{k.Key} [{string.Join(",", k.Shape)}]").Order(StringComparer.Ordinal);

        Assert.Equal(Entries(FidFix.Keys), Entries(FidFixWeights.InceptionKeys()));
    }

    [Fact]
    public void A_key_without_a_generator_rule_is_refused()
    {
        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(() => FidFixWeights.Values("Mixed_5b.branch1x1.conv.bias", [4]));

        Assert.Contains("no rule", error.Message);
    }
}
