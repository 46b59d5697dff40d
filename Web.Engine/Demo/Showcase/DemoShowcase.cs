using System.Diagnostics;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using SkiaSharp;

namespace Clap2Diffusion.Engine.Demo.Showcase;

/// <summary>One row of the showcase: a prompt, the demo-world sound it meets, and the seed both images share.</summary>
public sealed record ShowcaseCase(PromptAudioRelation Relation, string Prompt, DemoScene Sound, long Seed)
{
    public string Levels => $"foreground {Sound.Foreground ?? "-"}, background {Sound.Background ?? "-"}, ambience {Sound.Ambience ?? "-"}";

    public float[] Synthesize() => SceneSynthesizer.Synthesize(Sound, new SeededRandom((ulong)Seed).Fork(2), DemoExamples.SampleRate, DemoExamples.Seconds);
}

/// <summary>What one row became: both images and what the demo classifier reads in each.</summary>
public sealed record ShowcaseRow(ShowcaseCase Case, RgbImage TextOnly, RgbImage WithSound, ScenePrediction TextOnlyReading, ScenePrediction WithSoundReading,
    string? DetectedRelation)
{
    /// <summary>The scene elements the classifier reads in the audio-conditioned image but not in the text-only one.</summary>
    public IReadOnlyList<string> SoundAdded =>
        [.. new[] { SceneAttributes.Foreground, SceneAttributes.Background, SceneAttributes.Ambience }
            .Where(level => WithSoundReading.Labels[level] != DemoVocabulary.None && WithSoundReading.Labels[level] != TextOnlyReading.Labels[level])
            .Select(level => WithSoundReading.Labels[level])];
}

/// <summary>
/// The picture of what the demo model does: for each case the prompt, the sound's levels, the text-only image and the
/// audio-conditioned image from the same seed, as one grid. Every input is fixed (prompts, sounds synthesised from
/// fixed seeds, generation seeds, steps), so the same machine renders the same grid.
/// </summary>
public static class DemoShowcase
{
    public const int Steps = 25;
    private const int Scale = 2;
    private const int TextWidth = 400;
    public const int Gap = 8;
    private const int Header = 30;

    public static IReadOnlyList<ShowcaseCase> Cases { get; } =
    [
        new(PromptAudioRelation.Matching, "a red circle with bell and rain", new("circle", "red", "bell", null, "rain"), 11),
        new(PromptAudioRelation.Complementary, "a blue square", new("square", "blue", "barking", "engine", "waves"), 12),
        new(PromptAudioRelation.Complementary, "a green triangle", new("triangle", "green", "bell", "chatter", "wind"), 13),
        new(PromptAudioRelation.Creative, "a yellow star with rain", new("star", "yellow", "bell", "engine", null), 14),
        new(PromptAudioRelation.Creative, "a red square with barking", new("square", "red", null, "chatter", "waves"), 15),
        new(PromptAudioRelation.Creative, "a blue circle with engine", new("circle", "blue", "bell", null, "wind"), 16),
        new(PromptAudioRelation.Contradictory, "a green circle with rain", new("circle", "green", "bell", "engine", "waves"), 17),
        new(PromptAudioRelation.Contradictory, "a yellow square with barking", new("square", "yellow", "bell", "chatter", "rain"), 18),
        new(PromptAudioRelation.Contradictory, "a red triangle with chatter", new("triangle", "red", "barking", "engine", "wind"), 19),
    ];

    /// <summary>Generates the cases (all of them by default) as same-seed pairs and reads both images with the demo classifier.</summary>
    public static IReadOnlyList<ShowcaseRow> Generate(ClapDiffusionPipeline pipeline, SceneImageClassifier classifier, Action<int, int>? progress = null,
        IReadOnlyList<ShowcaseCase>? cases = null)
    {
        cases ??= Cases;
        var rows = new List<ShowcaseRow>();
        foreach (var (item, index) in cases.Select((c, i) => (c, i)))
        {
            var result = pipeline.Generate(new GenerationRequest
            {
                Prompt = item.Prompt,
                Steps = Steps,
                Seed = item.Seed,
                Audio = new AudioInput(Audio.AudioClip.FromSamples(item.Synthesize(), DemoExamples.SampleRate), $"showcase-{index + 1}.wav"),
                Pair = true,
            });
            var readings = classifier.Read([result.Baseline!, result.Image]);
            rows.Add(new ShowcaseRow(item, result.Baseline!, result.Image, readings[0], readings[1], result.Relation?.Name));
            progress?.Invoke(index + 1, cases.Count);
        }
        return rows;
    }

    /// <summary>Draws the grid: a header, then per row its text, the text-only image and the image with the sound.</summary>
    public static SKBitmap Render(IReadOnlyList<ShowcaseRow> rows)
    {
        var side = rows.Count == 0 ? 64 : rows[0].WithSound.Width * Scale;
        var width = TextWidth + 2 * (side + Gap) + Gap;
        var height = Header + rows.Count * (side + Gap) + Gap;
        var bitmap = SkiaImages.Canvas(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var bold = SkiaImages.Text(15, SKColors.Black, bold: true);
        using var plain = SkiaImages.Text(13, new SKColor(40, 40, 40));
        using var quiet = SkiaImages.Text(12, new SKColor(90, 90, 90));
        canvas.DrawText("prompt and the sound's levels", Gap, 20, bold);
        canvas.DrawText("text only", TextWidth + Gap, 20, bold);
        canvas.DrawText("with the sound", TextWidth + side + 2 * Gap, 20, bold);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var top = Header + r * (side + Gap);
            var y = top + 16f;
            canvas.DrawText($"{r + 1}. {row.Case.Relation.Name()}", Gap, y, bold);
            foreach (var line in SkiaImages.Wrap($"prompt: \"{row.Case.Prompt}\"", plain, TextWidth - 2 * Gap))
                canvas.DrawText(line, Gap, y += 19, plain);
            foreach (var line in SkiaImages.Wrap($"sound: {row.Case.Levels}", plain, TextWidth - 2 * Gap))
                canvas.DrawText(line, Gap, y += 19, plain);
            var added = row.SoundAdded.Count == 0 ? "nothing the classifier reads" : string.Join(", ", row.SoundAdded);
            foreach (var line in SkiaImages.Wrap($"the sound added: {added}", plain, TextWidth - 2 * Gap))
                canvas.DrawText(line, Gap, y += 19, plain);
            canvas.DrawText($"seed {row.Case.Seed}, {Steps} steps", Gap, y += 19, quiet);
            DrawImage(canvas, row.TextOnly, TextWidth, top, side);
            DrawImage(canvas, row.WithSound, TextWidth + side + Gap, top, side);
        }
        return bitmap;
    }

    /// <summary>Generates, renders and writes <c>showcase.png</c> and <c>showcase.json</c> (the rows with the classifier's readings).</summary>
    public static (string Png, TimeSpan Elapsed, IReadOnlyList<ShowcaseRow> Rows) Write(ClapDiffusionPipeline pipeline, SceneImageClassifier classifier, string folder,
        Action<int, int>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(folder);
        var rows = Generate(pipeline, classifier, progress);
        using var grid = Render(rows);
        var png = Path.Combine(folder, "showcase.png");
        SkiaImages.SavePng(grid, png);
        File.WriteAllText(Path.Combine(folder, "showcase.json"), System.Text.Json.JsonSerializer.Serialize(rows.Select(Describe),
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase }));
        return (png, clock.Elapsed, rows);
    }

    public static object Describe(ShowcaseRow row) => new
    {
        Relation = row.Case.Relation.Name(),
        row.DetectedRelation,
        row.Case.Prompt,
        row.Case.Sound.Foreground,
        row.Case.Sound.Background,
        row.Case.Sound.Ambience,
        row.Case.Seed,
        TextOnlyReads = Reading(row.TextOnlyReading),
        WithSoundReads = Reading(row.WithSoundReading),
        row.SoundAdded,
    };

    private static Dictionary<string, string> Reading(ScenePrediction prediction) =>
        new[] { SceneAttributes.Shape, SceneAttributes.Color, SceneAttributes.Foreground, SceneAttributes.Background, SceneAttributes.Ambience }
            .ToDictionary(label => label, label => prediction.Labels[label]);

    private static void DrawImage(SKCanvas canvas, RgbImage image, int x, int y, int side)
    {
        using var bitmap = SkiaImages.ToBitmap(image);
        using var paint = new SKPaint { IsAntialias = false };
        canvas.DrawBitmap(bitmap, SKRect.Create(x, y, side, side), paint);
    }
}
