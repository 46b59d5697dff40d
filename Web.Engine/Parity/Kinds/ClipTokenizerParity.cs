using System.Text.Json;
using Clap2Diffusion.Engine.Tokenizers;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// The CLIP BPE tokenizer against openai/CLIP's own (<c>parity/clip-tokenizer</c>): the folder's <c>vocab.json</c> and
/// <c>merges.txt</c> go through <see cref="CLIPTokenizer.FromPretrained"/> as a diffusers <c>tokenizer/</c> folder would;
/// every prompt of <c>cases.jsonl</c> is encoded and compared exactly, one line per category (ftfy-dependent cases
/// separately, as <c>&lt;category&gt;.ftfy</c>), and the SD 1.5 padded ids of <c>sd15_padded.jsonl</c> likewise. Rows are
/// padded with −1 to a common width, so a length difference fails too.
/// </summary>
public sealed class ClipTokenizerParity : IParityKind
{
    private const string Cases = "cases.jsonl";
    private const string Padded = "sd15_padded.jsonl";

    // Categories of ftfy-dependent cases whose ftfy step the tokenizer does not port, with the reason. They are
    // still encoded: the note says how many differ, so a port that starts matching shows up.
    private static readonly Dictionary<string, string> NotPorted = new(StringComparer.Ordinal)
    {
        ["mojibake"] = "ftfy's mojibake repair (fix_encoding re-decodes text read in the wrong code page by a heuristic) is not ported",
    };

    public string Name => "clip-tokenizer";

    public string Layout => $"CLIP tokenizer: vocab.json + merges.txt, {Cases} (text, ids, category, ftfy_dependent), optional {Padded} (text, input_ids)";

    public bool Recognises(FixtureFolder folder) => folder.Has("vocab.json") && folder.Has("merges.txt") && folder.Has(Cases);

    public void Run(FixtureFolder folder, ParityRun run)
    {
        var tokenizer = CLIPTokenizer.FromPretrained(folder.Path);
        var cases = ReadLines(folder.PathOf(Cases)).Select(row => ReferenceCase.Read(row, Cases)).ToList();
        var (dependent, compared) = (0, 0);
        foreach (var group in cases.GroupBy(c => (c.Category, c.FtfyDependent)))
        {
            var name = $"cases/{group.Key.Category}{(group.Key.FtfyDependent ? ".ftfy" : "")}";
            var ours = group.Select(c => tokenizer.Encode(c.Text)).ToList();
            var reference = group.Select(c => c.Ids).ToList();
            dependent += group.Key.FtfyDependent ? reference.Count : 0;
            if (group.Key.FtfyDependent && NotPorted.TryGetValue(group.Key.Category, out var reason))
            {
                var differing = ours.Zip(reference).Count(pair => !pair.First.SequenceEqual(pair.Second));
                run.Note($"{name}: {reference.Count} cases not compared, {differing} of them differ: {reason}");
                continue;
            }
            compared += group.Key.FtfyDependent ? reference.Count : 0;
            CompareIds(name, ours, reference, run);
        }
        run.Note($"ftfy-dependent cases compared: {compared} of {dependent}; all {cases.Count(c => !c.FtfyDependent)} others compared");

        if (!folder.Has(Padded))
            return;
        var padded = ReadLines(folder.PathOf(Padded)).Select(row => (Text: Text(row, "text", Padded), Ids: Ids(row, "input_ids", Padded))).ToList();
        var batch = tokenizer.EncodePadded(padded.Select(p => p.Text).ToList(), padded.Count == 0 ? null : padded[0].Ids.Length);
        CompareIds("sd15_padded/input_ids", batch.InputIds, padded.Select(p => p.Ids).ToList(), run);
    }

    private static void CompareIds(string name, IReadOnlyList<long[]> ours, IReadOnlyList<long[]> reference, ParityRun run)
    {
        var width = ours.Concat(reference).Select(ids => ids.Length).DefaultIfEmpty(0).Max();
        using var scope = NewDisposeScope();
        run.Compare(name, Matrix(ours, width), Matrix(reference, width), ParityTolerance.Identical);
    }

    private static Tensor Matrix(IReadOnlyList<long[]> rows, int width)
    {
        var values = new long[rows.Count * width];
        Array.Fill(values, -1L);
        for (var row = 0; row < rows.Count; row++)
            rows[row].CopyTo(values, row * width);
        return tensor(values, [rows.Count, width]);
    }

    private static IEnumerable<JsonElement> ReadLines(string path)
    {
        foreach (var line in File.ReadLines(path).Where(line => line.Length > 0))
        {
            using var document = ParseLine(line, path);
            yield return document.RootElement.Clone();
        }
    }

    private static JsonDocument ParseLine(string line, string path)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException error)
        {
            throw new InputException($"{path}: a line is not JSON ({error.Message})");
        }
    }

    private static string Text(JsonElement row, string property, string source) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InputException($"{source}: a line has no string \"{property}\"");

    private static long[] Ids(JsonElement row, string property, string source) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            && value.EnumerateArray().All(id => id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out _))
            ? value.EnumerateArray().Select(id => id.GetInt64()).ToArray()
            : throw new InputException($"{source}: a line has no integer array \"{property}\"");

    private sealed record ReferenceCase(string Text, long[] Ids, string Category, bool FtfyDependent)
    {
        public static ReferenceCase Read(JsonElement row, string source) => new(
            ClipTokenizerParity.Text(row, "text", source), ClipTokenizerParity.Ids(row, "ids", source), ClipTokenizerParity.Text(row, "category", source),
            row.TryGetProperty("ftfy_dependent", out var flag) && flag.ValueKind == JsonValueKind.True);
    }
}
