using Clap2Diffusion.Engine.Models.Clap;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// transformers' <c>ClapModel</c> on the tiny CLAP fixture (<c>parity/transformers/clap_tiny</c>): the model folder
/// named by the io files' <c>weights</c> metadata goes through <see cref="ClapModel.FromPretrained"/>; every HTSAT stage,
/// the RoBERTa branch, both projections and both logit matrices are compared. Tolerances from the README
/// (absolute, with rtol 1e-4): BatchNorm 1e-5; image, patches and stages 1e-3; final norm 5e-4; pooled outputs,
/// embeddings and text tensors 1e-4; logits 1e-3; integer tensors exact.
/// </summary>
public sealed class ClapParity : IParityKind
{
    private const string AudioFile = "io_audio.safetensors";
    private const string TextFile = "io_text.safetensors";
    private const double Rtol = 1e-4;

    public string Name => "clap";

    public string Layout => $"transformers CLAP: {AudioFile} and {TextFile} whose 'weights' metadata names a ClapModel folder";

    public bool Recognises(FixtureFolder folder) =>
        folder.MetadataOf(AudioFile, "weights") is not null && folder.MetadataOf(TextFile, "weights") is not null
        && folder.TryOpen(AudioFile)!.Contains("input_features") && folder.TryOpen(TextFile)!.Contains("input_ids");

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var audio = folder.Reference(AudioFile, "io_audio/");
        var text = folder.Reference(TextFile, "io_text/");
        var modelFolder = Path.GetDirectoryName(folder.ResolveNamedFile(audio.Meta("weights")))!;
        using var model = ClapModel.FromPretrained(modelFolder);
        using var noGrad = no_grad();
        using var features = audio.Load("input_features");

        using var audioFeatures = CompareAudio(model, audio, features, run);
        CompareText(model, text, features, audioFeatures, run);
    }

    private static Tensor CompareAudio(ClapModel model, ReferenceFile audio, Tensor features, ParityRun run)
    {
        using var encoded = model.audio_model.audio_encoder.Encode(features, (name, tensor) =>
        {
            foreach (var reference in new[] { name, name + ".torch_fp32" }.Where(audio.Contains))
                run.Compare(audio, reference, tensor, Tolerance(name));
        });
        run.Compare(audio, "last_hidden_state", encoded.LastHiddenState, Tolerance("last_hidden_state"));
        run.Compare(audio, "pooler_output", encoded.PoolerOutput, Tolerance("pooler_output"));
        using var embeds = model.audio_projection.forward(encoded.PoolerOutput);
        run.Compare(audio, "audio_embeds", embeds, Tolerance("audio_embeds"));
        var audioFeatures = model.GetAudioFeatures(features);
        run.Compare(audio, "audio_features", audioFeatures, Tolerance("audio_features"));
        return audioFeatures;
    }

    private static void CompareText(ClapModel model, ReferenceFile text, Tensor features, Tensor audioFeatures, ParityRun run)
    {
        using var scope = NewDisposeScope();
        var ids = text.Load("input_ids");
        var mask = text.Load("attention_mask");
        var textTolerance = ParityTolerance.Absolute(1e-4, Rtol);

        run.Compare(text, "position_ids", ClapTextEmbeddings.CreatePositionIds(ids, model.Config.TextConfig.PadTokenId), ParityTolerance.Identical);
        run.Compare(text, "embeddings", model.text_model.embeddings.forward(ids), textTolerance);
        var encoded = model.text_model.forward(ids, mask);
        run.Compare(text, "last_hidden_state", encoded.LastHiddenState, textTolerance);
        run.Compare(text, "pooler_output", encoded.PoolerOutput, textTolerance);
        run.Compare(text, "text_embeds", model.text_projection.forward(encoded.PoolerOutput), textTolerance);

        var output = model.forward(ids, features, mask);
        run.Compare(text, "text_features", output.TextEmbeds, textTolerance);
        run.Compare(text, "audio_features", audioFeatures, textTolerance);
        run.Compare(text, "logits_per_text", output.LogitsPerText, ParityTolerance.Absolute(1e-3, Rtol));
        run.Compare(text, "logits_per_audio", output.LogitsPerAudio, ParityTolerance.Absolute(1e-3, Rtol));
    }

    /// <summary>The README's absolute tolerance for an audio tensor, by the stage it comes from.</summary>
    private static ParityTolerance Tolerance(string name) => ParityTolerance.Absolute(name switch
    {
        "after_batch_norm" => 1e-5,
        "after_reshape_mel2img" or "after_patch_embed" => 1e-3,
        _ when name.StartsWith("stage", StringComparison.Ordinal) => 1e-3,
        "after_final_norm" or "last_hidden_state" => 5e-4,
        _ => 1e-4,
    }, Rtol);
}
