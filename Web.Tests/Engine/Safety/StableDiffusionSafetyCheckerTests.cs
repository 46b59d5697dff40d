using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Safety;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Safety;

public sealed class StableDiffusionSafetyCheckerTests : IDisposable
{
    private readonly TempFolder temp = new("safety");
    private readonly RgbImage flagged = TinySafetyChecker.Pattern(40, 0);
    private readonly RgbImage passed = TinySafetyChecker.Pattern(40, 1);

    [Fact]
    public void Keys_are_the_clip_vit_l14_vision_keys_under_vision_model_plus_the_projection_and_concepts()
    {
        var (code, output, _) = EngineCliTests.Run("keys", "--model", "sd15-safety-checker");

        Assert.Equal(ExitCodes.Success, code);
        var expected = SpecLines(File.ReadLines(SharedData.PathOf("specs", "weights-keys", "clip-vit-l14.tsv")))
            .Where(kv => kv.Key.StartsWith("vision_model.", StringComparison.Ordinal))
            .Select(kv => ("vision_model." + kv.Key, kv.Value))
            .Concat([
                ("visual_projection.weight", "[768, 1024]"),
                ("concept_embeds", "[17, 768]"),
                ("special_care_embeds", "[3, 768]"),
                ("concept_embeds_weights", "[17]"),
                ("special_care_embeds_weights", "[3]"),
            ])
            .ToDictionary(kv => kv.Item1, kv => kv.Item2, StringComparer.Ordinal);
        var actual = SpecLines(output.Split('\n')).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Assert.Equal(391 + 5, expected.Count);
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void The_image_whose_embedding_is_a_concept_is_flagged_and_another_is_not()
    {
        using var checker = TinySafetyChecker.Build(flagged, passed);
        var processor = new CLIPImageProcessor(TinySafetyChecker.Processor);

        var results = checker.forward(processor.Preprocess([flagged, passed]));

        Assert.True(results[0].HasNsfwConcept);
        Assert.Equal([TinySafetyChecker.FlaggingConcept], results[0].BadConcepts);
        Assert.False(results[1].HasNsfwConcept);
        Assert.Empty(results[1].BadConcepts);
        Assert.Equal(17, results[0].ConceptScores.Count);
        Assert.Equal(3, results[0].SpecialScores.Count);
    }

    [Fact]
    public void A_special_care_concept_that_fires_raises_every_later_score_by_a_hundredth()
    {
        using var checker = TinySafetyChecker.Build(flagged, passed);
        var processor = new CLIPImageProcessor(TinySafetyChecker.Processor);
        using var input = processor.Preprocess([flagged]);
        var before = checker.forward(input)[0];
        // The flagging concept scores s > 0; a threshold raised by s + 0.005 leaves it at -0.005, just below zero.
        var score = before.ConceptScores[TinySafetyChecker.FlaggingConcept];
        using (no_grad())
        {
            var threshold = checker.concept_embeds_weights[TinySafetyChecker.FlaggingConcept];
            threshold.copy_(threshold + tensor((float)(score + 0.005)));
        }
        var quiet = checker.forward(input)[0];
        using (no_grad())
        using (var embeds = checker.image_embeds(input))
        {
            checker.special_care_embeds[1].copy_(embeds[0]);
            checker.special_care_embeds_weights[1].copy_(tensor(0.5f));
        }
        var adjusted = checker.forward(input)[0];

        Assert.False(quiet.HasNsfwConcept);
        Assert.Equal(-0.005, quiet.ConceptScores[TinySafetyChecker.FlaggingConcept], 3);
        Assert.True(adjusted.SpecialScores[1] > 0);
        Assert.Equal(before.SpecialScores[2] + 0.01, adjusted.SpecialScores[2], 3);
        Assert.Equal(before.SpecialScores[0], adjusted.SpecialScores[0], 3);
        Assert.True(adjusted.HasNsfwConcept);
        Assert.Equal(0.005, adjusted.ConceptScores[TinySafetyChecker.FlaggingConcept], 3);
    }

    [Theory]
    [InlineData(SafetyMode.Block)]
    [InlineData(SafetyMode.Blur)]
    public void The_gate_replaces_a_flagged_image_as_its_mode_says_and_passes_the_other(SafetyMode mode)
    {
        var root = PipelineWithChecker();
        using var gate = SafetyGate.Load(DiffusersPipelineFolder.Read(root), mode, ComputeTarget.Cpu)!;

        var screenedFlagged = gate.Screen(flagged);
        var screenedPassed = gate.Screen(passed);

        Assert.True(screenedFlagged.Flagged);
        Assert.NotEqual(flagged.Pixels, screenedFlagged.Image.Pixels);
        var expected = mode == SafetyMode.Block ? ImageObscuring.Placeholder(flagged.Width, flagged.Height) : ImageObscuring.Blur(flagged);
        Assert.Equal(expected.Pixels, screenedFlagged.Image.Pixels);
        Assert.Equal(mode == SafetyMode.Block ? "flagged, blocked" : "flagged, blurred", screenedFlagged.Verdict);
        Assert.False(screenedPassed.Flagged);
        Assert.Same(passed, screenedPassed.Image);
        Assert.Equal("passed", screenedPassed.Verdict);
    }

    [Fact]
    public void Without_a_mode_a_folder_with_a_checker_blocks_and_one_without_runs_none()
    {
        var root = PipelineWithChecker();
        using var gate = SafetyGate.Load(DiffusersPipelineFolder.Read(root), null, ComputeTarget.Cpu);
        Assert.Equal(SafetyMode.Block, gate!.Mode);
        Assert.Null(SafetyGate.Load(DiffusersPipelineFolder.Read(root), SafetyMode.Off, ComputeTarget.Cpu));

        var bare = PipelineFolders.Create(temp.File("bare"));
        Directory.Delete(Path.Combine(bare, "feature_extractor"), recursive: true);
        Assert.Null(SafetyGate.Load(DiffusersPipelineFolder.Read(bare), null, ComputeTarget.Cpu));
        var refused = Assert.Throws<InputException>(() => SafetyGate.Load(DiffusersPipelineFolder.Read(bare), SafetyMode.Blur, ComputeTarget.Cpu));
        Assert.Contains("no safety_checker/", refused.Message);
    }

    [Theory]
    [InlineData("concept_embeds", false)]
    [InlineData("vision_model.vision_model.encoder.layers.1.mlp.fc2.weight", false)]
    [InlineData("special_care_embeds_weights", true)]
    [InlineData("visual_projection.weight", true)]
    public void A_checker_with_a_missing_or_mis_shaped_key_is_refused_naming_it(string key, bool misShaped)
    {
        var root = PipelineWithChecker();
        var weights = Path.Combine(root, "safety_checker", "model.safetensors");
        using (var checker = StableDiffusionSafetyChecker.FromPretrained(Path.Combine(root, "safety_checker")))
        using (var scope = NewDisposeScope())
        {
            var tensors = checker.state_dict()
                .Where(kv => kv.Key != key)
                .Select(kv => (kv.Key, kv.Value.detach().cpu()))
                .ToList();
            if (misShaped)
                tensors.Add((key, zeros(2, 3)));
            SafeTensorsWriter.Save(weights, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }

        var load = Assert.Throws<WeightsMismatchException>(() => SafetyGate.Load(DiffusersPipelineFolder.Read(root), SafetyMode.Block, ComputeTarget.Cpu));
        Assert.Contains(key, load.Message);
        var (code, output, _) = EngineCliTests.Run("check-weights", root);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains(output.Split('\n'), line => line.StartsWith("FAIL safety_checker StableDiffusionSafetyChecker", StringComparison.Ordinal));
        Assert.Contains(key, output);
    }

    [Fact]
    public void Check_weights_passes_a_whole_checker_folder()
    {
        var root = PipelineWithChecker();

        var (code, output, _) = EngineCliTests.Run("check-weights", Path.Combine(root, "safety_checker"));

        Assert.Equal(ExitCodes.Success, code);
        Assert.StartsWith("OK safety_checker StableDiffusionSafetyChecker", output.Split('\n').First(l => l.StartsWith("OK", StringComparison.Ordinal)));
    }

    private string PipelineWithChecker()
    {
        var root = PipelineFolders.Create(temp.File($"pipeline-{Guid.NewGuid():N}"));
        using var checker = TinySafetyChecker.Build(flagged, passed);
        TinySafetyChecker.AddTo(root, checker);
        return root;
    }

    private static IEnumerable<KeyValuePair<string, string>> SpecLines(IEnumerable<string> lines) => lines
        .Select(line => line.TrimEnd('\r'))
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split('\t'))
        .Select(parts => KeyValuePair.Create(parts[0], parts[1]));

    public void Dispose() => temp.Dispose();
}
