using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Lora;
using Clap2Diffusion.Tests.Engine.Adapters;
using Clap2Diffusion.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Lora;

/// <summary>The adapters' own LoRA on the UNet's attention projections, on the tiny V4 UNet.</summary>
public sealed class UNetLoraTests
{
    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Tensor Run(UNet2DConditionModel unet, AudioAdapters? adapters, (Tensor Sample, Tensor Timestep, Tensor Context, Tensor Audio) inputs) =>
        unet.forward(inputs.Sample, inputs.Timestep, inputs.Context, adapters is null ? null : new UNetHooks { Projections = adapters.Projections });

    private static void Randomise(AudioAdapters adapters, long seed)
    {
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        using var half = 0.5.ToScalar();
        foreach (var layer in adapters.LoraLayers.Values)
            foreach (var parameter in layer.lora_B.parameters())
            {
                using var value = randn(parameter.shape, generator: generator);
                parameter.copy_(value.mul(half));
            }
    }

    [Fact]
    public void Rank_zero_has_no_lora_and_an_untrained_lora_leaves_the_unet_output_exactly_unchanged()
    {
        using var unet = V4Fixture.UNet();
        using var none = V4Fixture.Adapters(unet);
        using var untrained = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters with { LoraRank = 4 });
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();

        Assert.Null(none.Projections);
        Assert.Empty(none.LoraLayers);
        Assert.DoesNotContain(none.state_dict().Keys, k => k.Contains("lora", StringComparison.Ordinal));
        var baseline = Run(unet, null, inputs);
        Assert.True(Same(baseline, Run(unet, untrained, inputs)), "an untrained LoRA changed the UNet's output");
        Randomise(untrained, 3);
        Assert.False(Same(baseline, Run(unet, untrained, inputs)), "a trained LoRA should change the output");
    }

    [Fact]
    public void The_lora_has_peft_keys_on_every_attention_projection_and_the_unet_keeps_its_own()
    {
        using var unet = V4Fixture.UNet();
        var unetKeys = unet.state_dict().Keys.ToHashSet();
        using var adapters = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters with { LoraRank = 3 });

        var site = unet.TransformerBlockSites[0];
        var keys = adapters.state_dict();
        Assert.Equal([3, site.Channels], keys[$"unet.{site.Path}.attn1.to_q.lora_A.weight"].shape);
        Assert.Equal([site.Channels, 3], keys[$"unet.{site.Path}.attn1.to_q.lora_B.weight"].shape);
        Assert.Equal([3, site.CrossAttentionDim], keys[$"unet.{site.Path}.attn2.to_k.lora_A.weight"].shape);
        Assert.Equal([site.Channels, 3], keys[$"unet.{site.Path}.attn2.to_out.0.lora_B.weight"].shape);
        Assert.Equal(unet.TransformerBlockSites.Count * 8, adapters.LoraLayers.Count);
        // Every LoRA path names a real projection of the UNet, so PEFT's keys resolve in diffusers too.
        foreach (var path in adapters.LoraLayers.Keys)
            Assert.Contains($"{path}.weight", unetKeys);
        Assert.Equal(unetKeys, unet.state_dict().Keys.ToHashSet());
        var part = Assert.Single(adapters.TrainableParts(), p => p.Part.StartsWith("unet.lora", StringComparison.Ordinal));
        Assert.Equal(adapters.LoraLayers.Values.Sum(l => l.parameters().Sum(p => p.numel())), part.Parameters);
    }

    [Fact]
    public void Adapters_saved_with_a_lora_load_back_to_identical_outputs_and_its_peft_file_merges_to_the_same_result()
    {
        using var folder = new TempFolder("lora-save");
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters with { LoraRank = 2, LoraAlpha = 4 });
        Randomise(adapters, 8);
        var inputs = V4Fixture.Inputs();
        using var noGrad = no_grad();
        var trained = Run(unet, adapters, inputs);

        AdapterFolder.Save(adapters, folder.Path, new AdapterMetadata("hash"));
        var (loaded, _) = AdapterFolder.Load(folder.Path, unet, Clap2Diffusion.Engine.Runtime.ComputeTarget.Cpu);
        using (loaded)
        {
            Assert.Equal(2, loaded.Config.LoraRank);
            Assert.True(Same(trained, Run(unet, loaded, inputs)), "the reloaded LoRA gives another output");
        }

        var peft = Path.Combine(folder.Path, LoraFile.DiffusersFileName);
        using (var file = SafeTensorsFile.Open(peft))
        {
            Assert.Equal(adapters.LoraLayers.Count * 2, file.Names.Count());
            Assert.All(file.Names, n => Assert.Matches(@"^unet\..+\.(to_q|to_k|to_v|to_out\.0)\.lora_[AB]\.weight$", n));
            Assert.Contains("\"unet.lora_alpha\":4", file.Metadata[LoraFile.PeftMetadataKey]);
            Assert.Contains("\"unet.r\":2", file.Metadata[LoraFile.PeftMetadataKey]);
        }
        // The same LoRA merged into the weights instead of added beside them: equal up to float rounding.
        var before = unet.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var lora = LoraFile.Read(peft);
        Assert.Equal("peft", lora.Format);
        using (var applied = AppliedLoras.Apply(new LoraTargets(new Dictionary<string, nn.Module> { ["unet"] = unet }), [(lora, 1.0)]))
        {
            Assert.Equal(adapters.LoraLayers.Count, applied.ModulesChanged);
            TensorAssert.Close(Run(unet, null, inputs), trained, atol: 1e-4, name: "merged LoRA");
        }
        foreach (var (key, tensor) in unet.state_dict())
            Assert.True(Same(before[key], tensor), $"{key} was not restored bit for bit");
    }
}
