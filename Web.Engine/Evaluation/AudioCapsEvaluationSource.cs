using System.Globalization;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Training.Data;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Evaluation cases from one split of an AudioCaps-format dataset: each row with an audio file is a case whose
/// prompt is the row's <c>prompt</c> column or else its caption, and whose audio caption is the caption. The
/// relation comes from the generator. The FID reference set is the rows' images (video frames), when present.
/// </summary>
public sealed class AudioCapsEvaluationSource : IEvaluationSource
{
    private readonly Dictionary<string, AudioCapsEntry> entries = new(StringComparer.Ordinal);

    public AudioCapsEvaluationSource(string root, string split = "test", long seed = 0, int? limit = null)
    {
        if (!Directory.Exists(root))
            throw new InputException($"dataset folder not found: {root}");
        if (limit is < 1)
            throw new InputException($"the case limit must be at least 1, not {limit}");
        if (seed < 0)
            throw new InputException($"the seed must not be negative, not {seed}");
        var rows = AudioCapsDataset.ReadSplit(new AudioCapsLayout(root), split);
        var withAudio = rows.Where(r => r.AudioPath is not null).Take(limit ?? int.MaxValue).ToList();
        if (withAudio.Count == 0)
            throw new InputException($"no row of {split}.csv in {root} has an audio file in its audio folder");

        var cases = new List<EvaluationCase>();
        foreach (var row in withAudio)
        {
            var id = UniqueId(SafeId(row.AudiocapId));
            entries[id] = row;
            cases.Add(new EvaluationCase(id, row.ConditioningText, row.Caption, unchecked(seed + cases.Count) & long.MaxValue, null));
        }
        Cases = cases;
        SkippedWithoutAudio = rows.Count(r => r.AudioPath is null);
        Split = split;
        Description = FormattableString.Invariant($"AudioCaps-format dataset {root}, split {split}: {cases.Count} cases")
            + (SkippedWithoutAudio > 0 ? FormattableString.Invariant($" ({SkippedWithoutAudio} rows without an audio file skipped)") : "")
            + (limit is null ? "" : FormattableString.Invariant($", limited to {limit}"));
    }

    public string Split { get; }

    public int SkippedWithoutAudio { get; }

    public string Kind => "audiocaps";

    public string Description { get; }

    public IReadOnlyList<EvaluationCase> Cases { get; }

    public string ReferenceName => $"AudioCaps {Split} frames";

    public EvaluationAudio Audio(EvaluationCase evaluationCase) => EvaluationAudio.FromFile(evaluationCase.Id, Entry(evaluationCase).AudioPath!);

    public RgbImage? ReferenceImage(EvaluationCase evaluationCase, int size) =>
        Entry(evaluationCase).ImagePath is { } path ? RgbImage.Load(path) : null;

    private AudioCapsEntry Entry(EvaluationCase evaluationCase) =>
        entries.TryGetValue(evaluationCase.Id, out var entry) ? entry : throw new ArgumentException($"case {evaluationCase.Id} is not from this source", nameof(evaluationCase));

    private string UniqueId(string id)
    {
        var candidate = id;
        for (var n = 2; entries.ContainsKey(candidate); n++)
            candidate = string.Create(CultureInfo.InvariantCulture, $"{id}-{n}");
        return candidate;
    }

    private static string SafeId(string value)
    {
        var cleaned = new string(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return cleaned.Length == 0 ? "case" : cleaned[..Math.Min(cleaned.Length, 80)];
    }
}
