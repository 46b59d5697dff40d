using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Evaluation.Reports;

/// <summary>
/// Writes the report folder: <c>report.json</c>, <c>summary.md</c>, <c>charts/*.png</c> and <c>grid.png</c>
/// (the images themselves are saved by the run as they are made).
/// </summary>
public static class ReportWriter
{
    public const string ReportFile = "report.json";
    public const string SummaryFile = "summary.md";
    public const string GridFile = "grid.png";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(string folder, EvaluationReport report, IReadOnlyList<GridRow> grid)
    {
        Directory.CreateDirectory(folder);
        var charts = ReportCharts.Write(folder, report);
        if (grid.Count > 0)
            ImageGrid.Save(Path.Combine(folder, GridFile), grid);
        File.WriteAllText(Path.Combine(folder, SummaryFile), MarkdownSummary.Render(report, charts));
        File.WriteAllText(Path.Combine(folder, ReportFile), JsonSerializer.Serialize(report, Json));
    }
}
