using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Tests.Engine.Cli;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class InceptionKeysTests
{
    [Fact]
    public void Keys_verb_lists_the_tsv_keys_and_shapes_plus_derived_batch_counters()
    {
        var (code, output, _) = EngineCliTests.Run("keys", "--model", "fid-inception");

        Assert.Equal(ExitCodes.Success, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        var derived = lines.Where(l => l.Contains(".num_batches_tracked\t", StringComparison.Ordinal)).ToList();
        var expected = FidFix.Keys.Select(k => $"{k.Key}\t[{string.Join(", ", k.Shape)}]");

        // TorchSharp lists parameters before buffers; PyTorch (and the TSV) interleave them per module.
        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Except(derived).Order(StringComparer.Ordinal));
        Assert.Equal(94, derived.Count);
        Assert.All(derived, line => Assert.EndsWith("\t[]", line));
    }
}
