using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Lora;
using Clap2Diffusion.Tests.Engine.Pipelines;
using Clap2Diffusion.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Lora;

/// <summary>Community LoRA files (PEFT and kohya layouts) applied per job to the tiny pipeline.</summary>
public sealed class LoraFilesTests : IClassFixture<LoraFilesTests.Data>
{
    public sealed class Data : IDisposable
    {
        public TinyPipelineFolder Model { get; } = new(withAudio: false);
        public TempFolder Files { get; } = new("lora-files");

        public Data()
        {
            using var unet = UNet2DConditionModel.FromPretrained(Path.Combine(Model.Root, "unet"), Clap2Diffusion.Engine.Runtime.ComputeTarget.Cpu);
            var convolutions = unet.named_modules().Where(m => m.module is TorchSharp.Modules.Conv2d).Select(m => m.name).ToList();
            ConvShortcut = convolutions.First(n => n.EndsWith("conv_shortcut", StringComparison.Ordinal));
            var weights = unet.state_dict();
            ConvShortcutIn = weights[$"{ConvShortcut}.weight"].shape[1];
            ConvShortcutOut = weights[$"{ConvShortcut}.weight"].shape[0];
        }

        public string ConvShortcut { get; }
        public long ConvShortcutIn { get; }
        public long ConvShortcutOut { get; }

        public void Dispose()
        {
            Model.Dispose();
            Files.Dispose();
        }
    }

    private const string ToQ = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q";
    private const string ProjIn = "down_blocks.0.attentions.0.proj_in";
    private const string TextQ = "text_model.encoder.layers.0.self_attn.q_proj";
    private const int Rank = 2;
    private const double Alpha = 3;

    private readonly Data data;

    public LoraFilesTests(Data data) => this.data = data;

    /// <summary>Seeded LoRA weights for a module: down [r, in] (or [r, in, 1, 1]), up [out, r] (or [out, r, 1, 1]).</summary>
    private static (Tensor Down, Tensor Up) Weights(long inFeatures, long outFeatures, bool convolution, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var down = randn([Rank, inFeatures], generator: generator);
        var up = randn([outFeatures, Rank], generator: generator);
        return convolution ? (down.view(Rank, inFeatures, 1, 1), up.view(outFeatures, Rank, 1, 1)) : (down, up);
    }

    private IEnumerable<(string Component, string Path, Tensor Down, Tensor Up)> Targets(params string[] which)
    {
        if (which.Contains("to_q"))
        {
            var (down, up) = Weights(8, 8, false, 1);
            yield return ("unet", ToQ, down, up);
        }
        if (which.Contains("proj_in"))
        {
            var (down, up) = Weights(8, 8, true, 2);
            yield return ("unet", ProjIn, down, up);
        }
        if (which.Contains("conv_shortcut"))
        {
            var (down, up) = Weights(data.ConvShortcutIn, data.ConvShortcutOut, true, 3);
            yield return ("unet", data.ConvShortcut, down, up);
        }
        if (which.Contains("text"))
        {
            var (down, up) = Weights(16, 16, false, 4);
            yield return ("text_encoder", TextQ, down, up);
        }
    }

    private string Peft(string name, params string[] which)
    {
        var path = data.Files.File(name);
        var tensors = Targets(which).SelectMany(t => new[] { ($"{t.Component}.{t.Path}.lora_A.weight", t.Down), ($"{t.Component}.{t.Path}.lora_B.weight", t.Up) });
        SafeTensorsWriter.Save(path, tensors, new Dictionary<string, string>
        {
            ["format"] = "pt",
            [LoraFile.PeftMetadataKey] = $$"""{"unet.r": {{Rank}}, "unet.lora_alpha": {{Alpha}}, "text_encoder.r": {{Rank}}, "text_encoder.lora_alpha": {{Alpha}}}""",
        });
        return path;
    }

    private string Kohya(string name, params string[] which)
    {
        var path = data.Files.File(name);
        var tensors = Targets(which).SelectMany(t =>
        {
            var key = (t.Component == "unet" ? "lora_unet_" : "lora_te_") + t.Path.Replace('.', '_');
            return new[] { ($"{key}.lora_down.weight", t.Down), ($"{key}.lora_up.weight", t.Up), ($"{key}.alpha", tensor((float)Alpha)) };
        });
        SafeTensorsWriter.Save(path, tensors, new Dictionary<string, string> { ["ss_network_module"] = "networks.lora" });
        return path;
    }

    private ClapDiffusionPipeline Load() => ClapDiffusionPipeline.Load(new PipelineOptions(data.Model.Root));

    // Each LoRA is named by its path, as the command line names it.
    private static GenerationRequest Request(ClapDiffusionPipeline pipeline, params (string Path, double Scale)[] loras) => new()
    {
        Settings = pipeline.Defaults with
        {
            Prompt = "a red circle",
            Seed = 5,
            Steps = 3,
            Loras = loras.Length == 0 ? null : loras.Select(l => new LoraChoice(l.Path, l.Scale)).ToList(),
        },
        LoraFiles = loras.DistinctBy(l => l.Path).ToDictionary(l => l.Path, l => l.Path),
    };

    [Fact]
    public void Scale_zero_gives_exactly_the_image_without_it_and_every_weight_is_restored_after_a_lora_job()
    {
        var file = Peft("all.safetensors", "to_q", "proj_in", "conv_shortcut", "text");
        using var pipeline = Load();

        var before = pipeline.Generate(Request(pipeline)).Image.Pixels;
        var zero = pipeline.Generate(Request(pipeline, (file, 0)));
        var applied = pipeline.Generate(Request(pipeline, (file, 1)));
        var after = pipeline.Generate(Request(pipeline)).Image.Pixels;

        Assert.Equal(before, zero.Image.Pixels);
        Assert.NotEqual(before, applied.Image.Pixels);
        Assert.Equal(before, after);
        var use = Assert.Single(applied.Parameters.Loras!);
        Assert.Equal(("all.safetensors", 1.0), (use.Name, use.Scale));
        Assert.Equal(ModelHash.OfFile(file), use.Hash);
        Assert.Contains("LoRA: \"all.safetensors:1\"", applied.Parameters.ToA1111());
        Assert.Contains("\"loras\":[{\"name\":\"all.safetensors\",\"scale\":1", applied.Parameters.ToJson());
        Assert.Null(pipeline.Generate(Request(pipeline)).Parameters.Loras);
    }

    [Fact]
    public void A_kohya_file_and_a_peft_file_holding_the_same_weights_give_the_same_image()
    {
        var peft = Peft("same.peft.safetensors", "to_q", "proj_in", "conv_shortcut", "text");
        var kohya = Kohya("same.kohya.safetensors", "to_q", "proj_in", "conv_shortcut", "text");
        using var pipeline = Load();

        var fromPeft = pipeline.Generate(Request(pipeline, (peft, 0.8))).Image.Pixels;
        var fromKohya = pipeline.Generate(Request(pipeline, (kohya, 0.8))).Image.Pixels;

        using (var file = LoraFile.Read(kohya))
            Assert.Equal("kohya", file.Format);
        Assert.Equal(fromPeft, fromKohya);
        Assert.NotEqual(pipeline.Generate(Request(pipeline)).Image.Pixels, fromPeft);
    }

    [Theory]
    [InlineData("proj_in")]
    [InlineData("conv_shortcut")]
    [InlineData("text")]
    public void A_lora_on_a_proj_in_a_1x1_convolution_or_the_text_encoder_applies(string target)
    {
        var file = Kohya($"only-{target}.safetensors", target);
        using var pipeline = Load();

        var baseline = pipeline.Generate(Request(pipeline)).Image.Pixels;
        var applied = pipeline.Generate(Request(pipeline, (file, 1.0))).Image.Pixels;

        Assert.NotEqual(baseline, applied);
    }

    [Fact]
    public void Merging_adds_scale_times_alpha_over_rank_times_up_down_to_the_convolution_and_restores_it_exactly()
    {
        using var unet = UNet2DConditionModel.FromPretrained(Path.Combine(data.Model.Root, "unet"), Clap2Diffusion.Engine.Runtime.ComputeTarget.Cpu);
        using var file = LoraFile.Read(Peft("proj-in.safetensors", "proj_in"));
        var weight = unet.state_dict()[$"{ProjIn}.weight"];
        var original = weight.clone();
        var (down, up) = Weights(8, 8, true, 2);
        using var factor = (0.5 * Alpha / Rank).ToScalar();
        var expected = original.add(up.flatten(1).matmul(down.flatten(1)).view(original.shape).mul(factor));

        using (AppliedLoras.Apply(new LoraTargets(new Dictionary<string, nn.Module> { ["unet"] = unet }), [(file, 0.5)]))
            TensorAssert.Close(weight, expected, atol: 1e-6, name: "merged proj_in");

        Assert.True(weight.eq(original).all().item<bool>(), "proj_in was not restored bit for bit");
    }

    [Fact]
    public void Every_weight_a_lora_file_changes_is_restored_bit_for_bit()
    {
        using var unet = UNet2DConditionModel.FromPretrained(Path.Combine(data.Model.Root, "unet"), Clap2Diffusion.Engine.Runtime.ComputeTarget.Cpu);
        using var text = Clap2Diffusion.Engine.Models.Clip.CLIPTextModel.FromPretrained(Path.Combine(data.Model.Root, "text_encoder"), Clap2Diffusion.Engine.Runtime.ComputeTarget.Cpu);
        var before = unet.state_dict().Concat(text.state_dict()).ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var file = LoraFile.Read(Peft("restore.safetensors", "to_q", "proj_in", "conv_shortcut", "text"));
        using var noGrad = no_grad();

        using (var applied = AppliedLoras.Apply(new LoraTargets(new Dictionary<string, nn.Module> { ["unet"] = unet, ["text_encoder"] = text }), [(file, 1.0)]))
            Assert.Equal(4, applied.ModulesChanged);

        foreach (var (key, tensor) in unet.state_dict().Concat(text.state_dict()))
            Assert.True(before[key].eq(tensor).all().item<bool>(), $"{key} was not restored bit for bit");
    }

    [Fact]
    public void A_key_that_resolves_to_nothing_is_refused_with_its_name_and_changes_nothing()
    {
        var path = data.Files.File("stray.safetensors");
        var (down, up) = Weights(8, 8, false, 1);
        var stray = "lora_unet_down_blocks_7_attentions_0_transformer_blocks_0_attn1_to_q";
        SafeTensorsWriter.Save(path, [
            ("lora_unet_" + ToQ.Replace('.', '_') + ".lora_down.weight", down), ("lora_unet_" + ToQ.Replace('.', '_') + ".lora_up.weight", up),
            ($"{stray}.lora_down.weight", down), ($"{stray}.lora_up.weight", up)]);
        using var pipeline = Load();
        var baseline = pipeline.Generate(Request(pipeline)).Image.Pixels;

        var error = Assert.Throws<InputException>(() => pipeline.Generate(Request(pipeline, (path, 1.0))));

        Assert.Contains(stray, error.Message);
        Assert.Equal(baseline, pipeline.Generate(Request(pipeline)).Image.Pixels);
    }

    [Theory]
    [InlineData("hada_w1_a")]
    [InlineData("lokr_w1")]
    public void A_lycoris_file_is_refused_with_the_key_that_shows_it(string part)
    {
        var path = data.Files.File($"lycoris-{part}.safetensors");
        var key = $"lora_unet_{ToQ.Replace('.', '_')}.{part}";
        SafeTensorsWriter.Save(path, [(key, ones(2, 8))]);

        var error = Assert.Throws<InputException>(() => LoraFile.Read(path));

        Assert.Contains(key, error.Message);
        Assert.Contains("LyCORIS", error.Message);
    }

    [Theory]
    [InlineData("style.safetensors", "style.safetensors", 1.0)]
    [InlineData("style.safetensors:0.6", "style.safetensors", 0.6)]
    [InlineData("/loras/a:b.safetensors:-1", "/loras/a:b.safetensors", -1.0)]
    public void The_command_line_form_is_file_then_an_optional_scale(string text, string path, double scale)
    {
        Assert.Equal(new LoraChoice(path, scale), LoraChoice.Parse(text));
    }
}
