using System.Text.RegularExpressions;
using Clap2Diffusion.Engine.Models.Clip;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// transformers' <c>CLIPTextModel</c>, the SD 1.5 text encoder (<c>parity/transformers/clip_text_tiny</c>): the folder named
/// first in the <c>weights</c> metadata goes through <see cref="CLIPTextModel.FromPretrained"/>; every hidden state,
/// the final states, the argmax pooling, <c>clip_skip=1</c> and, through the <c>CLIPModel</c> folder named after "+", the
/// projected <c>text_embeds</c> are compared. Tolerances from the README: atol 1e-4 with rtol 1e-4; indices exactly.
/// </summary>
public sealed partial class ClipTextParity : IParityKind
{
    private const string Io = "io.safetensors";
    private static readonly ParityTolerance Tolerance = ParityTolerance.Absolute(1e-4, 1e-4);

    public string Name => "clip_text";

    public string Layout =>
        $"transformers CLIPTextModel: {Io} (input_ids, hidden_states.N, last_hidden_state, pooler_output, …) whose 'weights' " +
        "metadata names the model folder, and optionally '(+ <CLIPModel weights> for text_projection.weight)'";

    public bool Recognises(FixtureFolder folder) =>
        folder.TryOpen(Io) is { } io && io.Metadata.ContainsKey("weights") && !io.Contains("pixel_values")
        && new[] { "input_ids", "hidden_states.0", "last_hidden_state", "pooler_output" }.All(io.Contains);

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var io = folder.Reference(Io);
        var named = WeightsNames().Match(io.Meta("weights"));
        if (!named.Success)
            throw new InputException($"{io.File.Path}: cannot read the weights files from '{io.Meta("weights")}'");
        using var model = CLIPTextModel.FromPretrained(Path.GetDirectoryName(folder.ResolveNamedFile(named.Groups["text"].Value))!);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = io.Load("input_ids");

        var result = model.forward(ids, output_hidden_states: true);
        var hiddenStates = result.HiddenStates ?? [];
        for (var i = 0; io.Contains($"hidden_states.{i}"); i++)
        {
            using var none = empty(0);
            run.Compare(io, $"hidden_states.{i}", i < hiddenStates.Count ? hiddenStates[i] : none, Tolerance);
        }
        run.Compare(io, "last_hidden_state", result.LastHiddenState, Tolerance);
        run.Compare(io, "pooler_output", result.PoolerOutput, Tolerance);
        if (io.Contains("pooled_index"))
            run.Compare(io, "pooled_index", model.text_model.PooledIndex(ids), ParityTolerance.Identical);
        for (var skip = 1; io.Contains($"clip_skip_{skip}"); skip++)
            run.Compare(io, $"clip_skip_{skip}", model.PromptEmbeddings(ids, clip_skip: skip), Tolerance);

        if (!io.Contains("text_embeds"))
            return;
        if (!named.Groups["projection"].Success)
            throw new InputException($"{io.File.Path} holds text_embeds but its weights metadata names no CLIPModel with a text_projection");
        using var full = CLIPModel.FromPretrained(Path.GetDirectoryName(folder.ResolveNamedFile(named.Groups["projection"].Value))!);
        run.Compare(io, "text_embeds", full.get_text_features(ids), Tolerance);
    }

    // "clip_text_tiny/model.safetensors (+ clip_tiny/model.safetensors for text_projection.weight)"
    [GeneratedRegex(@"^(?<text>\S+)(\s+\(\+\s+(?<projection>\S+)\s+for text_projection(\.weight)?\))?\s*$")]
    private static partial Regex WeightsNames();
}
