using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Models.Clip;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// transformers' <c>CLIPModel</c> and torchmetrics' CLIP score (<c>parity/transformers/clip_tiny</c>): the folder named by
/// the <c>weights</c> metadata goes through <see cref="CLIPModel.FromPretrained"/>; the vision tower stage by stage, both
/// projections and both logit matrices are compared, and the CLIP score is computed from our own embeddings (and from
/// their negated text, the other clamp branch). Tolerances from the README: atol 1e-4 with rtol 1e-4; logits and
/// scores (×100) atol 1e-3.
/// </summary>
public sealed class ClipParity : IParityKind
{
    private const string Io = "io.safetensors";
    private static readonly ParityTolerance Tolerance = ParityTolerance.Absolute(1e-4, 1e-4);
    private static readonly ParityTolerance Logits = ParityTolerance.Absolute(1e-3, 1e-4);

    public string Name => "clip";

    public string Layout => $"transformers CLIPModel: {Io} (pixel_values, input_ids, vision.*, image_embeds, text_embeds, logits_*, clip_score*) " +
        "whose 'weights' metadata names the model folder";

    public bool Recognises(FixtureFolder folder) =>
        folder.TryOpen(Io) is { } io && io.Metadata.ContainsKey("weights")
        && new[] { "pixel_values", "input_ids", "image_embeds", "text_embeds" }.All(io.Contains);

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var io = folder.Reference(Io);
        using var model = CLIPModel.FromPretrained(Path.GetDirectoryName(folder.ResolveNamedFile(io.Meta("weights")))!);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pixels = io.Load("pixel_values");

        if (io.Contains("vision.embeddings"))
            run.Compare(io, "vision.embeddings", model.vision_model.embeddings.forward(pixels), Tolerance);
        var vision = model.vision_model.forward(pixels, output_hidden_states: true);
        if (io.Contains("vision.after_pre_layrnorm"))
            run.Compare(io, "vision.after_pre_layrnorm", vision.HiddenStates![0], Tolerance);
        if (io.Contains("vision.last_hidden_state"))
            run.Compare(io, "vision.last_hidden_state", vision.LastHiddenState, Tolerance);
        if (io.Contains("vision.pooler_output"))
            run.Compare(io, "vision.pooler_output", vision.PoolerOutput, Tolerance);

        var result = model.forward(io.Load("input_ids"), pixels);
        run.Compare(io, "image_embeds", result.ImageEmbeds, Tolerance);
        run.Compare(io, "text_embeds", result.TextEmbeds, Tolerance);
        foreach (var (name, ours) in new[] { ("logits_per_image", result.LogitsPerImage), ("logits_per_text", result.LogitsPerText) })
            if (io.Contains(name))
                run.Compare(io, name, ours, Logits);

        foreach (var (name, text) in new[] { ("clip_score", result.TextEmbeds), ("clip_score_negated_text", -result.TextEmbeds) })
        {
            if (!io.Contains(name))
                continue;
            var perPair = ClipScore.PerPair(result.ImageEmbeds, text);
            if (io.Contains($"{name}.per_pair"))
                run.Compare(io, $"{name}.per_pair", perPair, Logits);
            if (io.Contains($"{name}.mean"))
                run.Compare(io, $"{name}.mean", perPair.mean(), Logits);
            run.Compare(io, name, ClipScore.Aggregate(perPair), Logits);
        }
    }
}
