using Xunit.Abstractions;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Models.Clip;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Clip;

public sealed class CLIPModelTests(ITestOutputHelper output)
{
    [Fact]
    public void Vision_tower_projections_and_logits_match_the_reference()
    {
        using var model = CLIPModel.FromPretrained(ClipParity.Folder("clip_tiny"));
        var expected = ClipParity.Reference("clip_tiny");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var pixels = expected["pixel_values"];
        ClipParity.Check(output, "vision.embeddings", model.vision_model.embeddings.forward(pixels), expected["vision.embeddings"]);
        var vision = model.vision_model.forward(pixels, output_hidden_states: true);
        ClipParity.Check(output, "vision.after_pre_layrnorm", vision.HiddenStates![0], expected["vision.after_pre_layrnorm"]);
        ClipParity.Check(output, "vision.last_hidden_state", vision.LastHiddenState, expected["vision.last_hidden_state"]);
        ClipParity.Check(output, "vision.pooler_output", vision.PoolerOutput, expected["vision.pooler_output"]);

        var result = model.forward(expected["input_ids"], pixels);
        ClipParity.Check(output, "image_embeds", result.ImageEmbeds, expected["image_embeds"]);
        ClipParity.Check(output, "text_embeds", result.TextEmbeds, expected["text_embeds"]);
        ClipParity.Check(output, "logits_per_image", result.LogitsPerImage, expected["logits_per_image"], ClipParity.LogitAtol);
        ClipParity.Check(output, "logits_per_text", result.LogitsPerText, expected["logits_per_text"], ClipParity.LogitAtol);
    }

    [Fact]
    public void Text_features_with_clip_tiny_projection_match_clip_text_tiny()
    {
        using var model = CLIPModel.FromPretrained(ClipParity.Folder("clip_tiny"));
        var expected = ClipParity.Reference("clip_text_tiny");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        ClipParity.Check(output, "clip_text_tiny text_embeds", model.get_text_features(expected["input_ids"]), expected["text_embeds"]);
    }

    [Fact]
    public void Clip_score_clamps_the_mean_in_both_branches()
    {
        var expected = ClipParity.Reference("clip_tiny");
        using var scope = NewDisposeScope();

        foreach (var (name, text) in new[] { ("clip_score", expected["text_embeds"]), ("clip_score_negated_text", -expected["text_embeds"]) })
        {
            var perPair = ClipScore.PerPair(expected["image_embeds"], text);
            ClipParity.Check(output, $"{name}.per_pair", perPair, expected[$"{name}.per_pair"], ClipParity.LogitAtol);
            ClipParity.Check(output, $"{name}.mean", perPair.mean(), expected[$"{name}.mean"], ClipParity.LogitAtol);
            ClipParity.Check(output, name, ClipScore.Aggregate(perPair), expected[name], ClipParity.LogitAtol);
        }
        Assert.Equal(0f, ClipScore.Aggregate(ClipScore.PerPair(expected["image_embeds"], expected["text_embeds"])).item<float>());
        Assert.True(expected["clip_score.per_pair"].max().item<float>() > 0, "one pair scores above zero although the clamped mean is 0");
    }

    [Fact]
    public void Bad_pixel_shapes_are_refused_with_a_message()
    {
        using var model = CLIPModel.FromPretrained(ClipParity.Folder("clip_tiny"));
        using var wrongSize = zeros(1, 3, 31, 32);

        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(() => model.get_image_features(wrongSize));
        Assert.Contains("pixel_values", error.Message);
    }
}
