using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Tests.Engine.Cli;

namespace Clap2Diffusion.Tests.Engine.Lora;

public sealed class LoraKeysTests
{
    private static Dictionary<string, long> Parts(params string[] args)
    {
        var (code, output, error) = EngineCliTests.Run(["keys", "--model", "v4-sd15", "--params", .. args]);
        Assert.True(code == ExitCodes.Success, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => long.Parse(p[1]));
    }

    [Fact]
    public void Keys_set_lora_rank_reports_the_lora_as_its_own_part_with_the_designs_count()
    {
        var without = Parts();
        var with = Parts("--set", "lora_rank=4");

        // Rank 4 on to_q, to_k, to_v and to_out.0 of both attentions in all 16 transformer blocks of SD 1.5.
        Assert.Equal(797_184, with["unet.lora (rank 4, 128 projections)"]);
        Assert.DoesNotContain(without.Keys, k => k.StartsWith("unet.lora", StringComparison.Ordinal));
        Assert.Equal(without["total"] + 797_184, with["total"]);
    }

    [Fact]
    public void Keys_set_refuses_an_unknown_key_by_name()
    {
        var (code, _, error) = EngineCliTests.Run("keys", "--model", "v4-sd15", "--params", "--set", "lora_rnak=4");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lora_rnak", error);
        Assert.Contains("lora_rank", error);
    }

    [Fact]
    public void Keys_set_lists_the_lora_keys_in_the_peft_layout()
    {
        var (code, output, _) = EngineCliTests.Run("keys", "--model", "v4-sd15", "--set", "lora_rank=4");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight\t[4, 768]", output);
        Assert.Contains("unet.up_blocks.3.attentions.2.transformer_blocks.0.attn1.to_out.0.lora_B.weight\t[320, 4]", output);
    }
}
