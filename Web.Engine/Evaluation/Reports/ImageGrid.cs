using Clap2Diffusion.Engine.Imaging;
using SkiaSharp;

namespace Clap2Diffusion.Engine.Evaluation.Reports;

/// <summary>One row of the image grid: a case and its images, one per variant, already shrunk to a cell.</summary>
public sealed record GridRow(EvaluationCase Case, IReadOnlyList<PairVariant> Variants, IReadOnlyList<RgbImage> Thumbnails);

/// <summary>
/// The report's image grid: a header with the variants, then one row per case with its id, relation, prompt and
/// audio caption on the left and its images in variant order.
/// </summary>
public static class ImageGrid
{
    public const int CellSize = 128;
    private const int Gap = 6;
    private const int TextWidth = 280;
    private const int HeaderHeight = 34;

    /// <summary>The image scaled to fit a square of <paramref name="size"/>; small images grow by whole pixels so they stay sharp.</summary>
    public static RgbImage Fit(RgbImage image, int size)
    {
        var scale = Math.Min((double)size / image.Width, (double)size / image.Height);
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        using var source = SkiaImages.ToBitmap(image);
        using var target = SkiaImages.Canvas(width, height);
        using (var canvas = new SKCanvas(target))
        using (var paint = new SKPaint { FilterQuality = scale >= 1 ? SKFilterQuality.None : SKFilterQuality.High, IsAntialias = scale < 1 })
        {
            canvas.DrawBitmap(source, new SKRect(0, 0, width, height), paint);
        }
        var rgb = SkiaPixels.CopyRgb(target);
        return new RgbImage(width, height, rgb);
    }

    public static void Save(string path, IReadOnlyList<GridRow> rows)
    {
        var variants = rows.SelectMany(r => r.Variants).Distinct().OrderBy(v => v).ToList();
        var width = Gap + TextWidth + variants.Count * (CellSize + Gap);
        var height = HeaderHeight + Math.Max(1, rows.Count) * (CellSize + Gap) + Gap;
        using var bitmap = SkiaImages.Canvas(width, height);
        using (var canvas = new SKCanvas(bitmap))
        using (var bold = SkiaImages.Text(12, new SKColor(30, 30, 30), bold: true))
        using (var body = SkiaImages.Text(11, new SKColor(60, 60, 60)))
        {
            canvas.Clear(SKColors.White);
            for (var v = 0; v < variants.Count; v++)
            {
                var x = Gap + TextWidth + v * (CellSize + Gap);
                canvas.DrawText(variants[v].Name().Replace('_', ' '), x + 2, HeaderHeight - 12, bold);
            }
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                var top = HeaderHeight + r * (CellSize + Gap);
                DrawCaption(canvas, row.Case, Gap, top, bold, body);
                for (var k = 0; k < row.Variants.Count; k++)
                {
                    var thumbnail = row.Thumbnails[k];
                    var cell = variants.IndexOf(row.Variants[k]);
                    var x = Gap + TextWidth + cell * (CellSize + Gap) + (CellSize - thumbnail.Width) / 2;
                    using var image = SkiaImages.ToBitmap(thumbnail);
                    canvas.DrawBitmap(image, x, top + (CellSize - thumbnail.Height) / 2);
                }
            }
        }
        SkiaImages.SavePng(bitmap, path);
    }

    private static void DrawCaption(SKCanvas canvas, EvaluationCase evaluationCase, float left, float top, SKPaint title, SKPaint body)
    {
        var relation = EvaluationSummary.RelationName(evaluationCase.Relation);
        var lines = new List<(string Text, SKPaint Paint)> { (relation is null ? evaluationCase.Id : $"{evaluationCase.Id} ({relation})", title) };
        lines.AddRange(SkiaImages.Wrap($"prompt: {evaluationCase.Prompt}", body, TextWidth - 8).Select(l => (l, body)));
        lines.AddRange(SkiaImages.Wrap($"audio: {evaluationCase.AudioCaption}", body, TextWidth - 8).Select(l => (l, body)));
        var y = top + 14;
        foreach (var (text, paint) in lines.Take(CellSize / 14))
        {
            canvas.DrawText(text, left, y, paint);
            y += 14;
        }
    }
}
