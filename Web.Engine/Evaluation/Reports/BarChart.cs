using System.Globalization;
using SkiaSharp;

namespace Clap2Diffusion.Engine.Evaluation.Reports;

/// <summary>One coloured series of a grouped bar chart: a value with its interval per group (null where not measured).</summary>
public sealed record BarSeries(string Name, SKColor Color, IReadOnlyList<Estimate?> Values);

/// <summary>A grouped bar chart with confidence-interval whiskers, an optional reference line and a legend.</summary>
public sealed record BarChart(string Title, string Axis, IReadOnlyList<string> Groups, IReadOnlyList<BarSeries> Series,
    double Maximum, Func<double, string> Format)
{
    private const int Height = 380;
    private const int Left = 64;
    private const int Right = 20;
    private const int Top = 44;
    private const int Bottom = 92;
    private const int Bar = 18;
    private const int GroupGap = 26;

    /// <summary>A dashed horizontal line, e.g. chance at 0.5.</summary>
    public double? ReferenceLine { get; init; }

    public string? ReferenceLabel { get; init; }

    public void Save(string path)
    {
        var groupWidth = Math.Max(1, Series.Count) * Bar + GroupGap;
        var width = Math.Max(520, Left + Right + Groups.Count * groupWidth);
        using var bitmap = SkiaImages.Canvas(width, Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            var plotBottom = Height - Bottom;
            var plotHeight = plotBottom - Top;
            float Y(double value) => (float)(plotBottom - Math.Clamp(value / Maximum, 0, 1) * plotHeight);

            using var titlePaint = SkiaImages.Text(15, new SKColor(20, 20, 20), bold: true);
            using var labelPaint = SkiaImages.Text(11, new SKColor(60, 60, 60));
            using var gridPaint = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1 };
            using var axisPaint = new SKPaint { Color = new SKColor(90, 90, 90), StrokeWidth = 1 };
            canvas.DrawText(Title, Left, 26, titlePaint);

            for (var tick = 0; tick <= 4; tick++)
            {
                var value = Maximum * tick / 4;
                var y = Y(value);
                canvas.DrawLine(Left, y, width - Right, y, gridPaint);
                var text = Format(value);
                canvas.DrawText(text, Left - 6 - labelPaint.MeasureText(text), y + 4, labelPaint);
            }
            canvas.Save();
            canvas.RotateDegrees(-90, 14, Top + plotHeight / 2f);
            canvas.DrawText(Axis, 14 - labelPaint.MeasureText(Axis) / 2, Top + plotHeight / 2f, labelPaint);
            canvas.Restore();

            for (var g = 0; g < Groups.Count; g++)
            {
                var groupLeft = Left + GroupGap / 2f + g * groupWidth;
                for (var s = 0; s < Series.Count; s++)
                    DrawBar(canvas, Series[s], g, groupLeft + s * Bar, Y, plotBottom);
                var label = Groups[g];
                var middle = groupLeft + Series.Count * Bar / 2f;
                canvas.DrawText(label, middle - labelPaint.MeasureText(label) / 2, plotBottom + 16, labelPaint);
            }
            canvas.DrawLine(Left, plotBottom, width - Right, plotBottom, axisPaint);

            if (ReferenceLine is { } reference)
            {
                using var dashed = new SKPaint
                {
                    Color = new SKColor(200, 60, 60), StrokeWidth = 1.5f, Style = SKPaintStyle.Stroke,
                    PathEffect = SKPathEffect.CreateDash([6, 4], 0),
                };
                var y = Y(reference);
                canvas.DrawLine(Left, y, width - Right, y, dashed);
                if (ReferenceLabel is not null)
                    canvas.DrawText(ReferenceLabel, width - Right - labelPaint.MeasureText(ReferenceLabel), y - 4, labelPaint);
            }
            DrawLegend(canvas, plotBottom + 34, width, labelPaint);
        }
        SkiaImages.SavePng(bitmap, path);
    }

    private static void DrawBar(SKCanvas canvas, BarSeries series, int group, float x, Func<double, float> y, float bottom)
    {
        var estimate = group < series.Values.Count ? series.Values[group] : null;
        if (estimate is null)
            return;
        using var fill = new SKPaint { Color = series.Color, IsAntialias = true };
        using var whisker = new SKPaint { Color = new SKColor(25, 25, 25), StrokeWidth = 1.5f, IsAntialias = true };
        canvas.DrawRect(new SKRect(x + 1, y(estimate.Mean), x + Bar - 1, bottom), fill);
        var centre = x + Bar / 2f;
        canvas.DrawLine(centre, y(estimate.Low), centre, y(estimate.High), whisker);
        canvas.DrawLine(centre - 4, y(estimate.Low), centre + 4, y(estimate.Low), whisker);
        canvas.DrawLine(centre - 4, y(estimate.High), centre + 4, y(estimate.High), whisker);
    }

    private void DrawLegend(SKCanvas canvas, float top, int width, SKPaint labelPaint)
    {
        var x = (float)Left;
        var y = top;
        foreach (var series in Series)
        {
            var itemWidth = 18 + labelPaint.MeasureText(series.Name) + 16;
            if (x + itemWidth > width - Right)
            {
                x = Left;
                y += 18;
            }
            using var fill = new SKPaint { Color = series.Color };
            canvas.DrawRect(new SKRect(x, y - 10, x + 12, y + 2), fill);
            canvas.DrawText(series.Name, x + 18, y, labelPaint);
            x += itemWidth;
        }
    }

    public static string Percent(double value) => string.Create(CultureInfo.InvariantCulture, $"{100 * value:0}%");

    public static string Number(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0.##}");
}
