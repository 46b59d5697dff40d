using System.Globalization;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Server.Api;

/// <summary>
/// The multipart form of <c>POST /api/jobs</c>. Every field but <c>prompt</c> is optional and defaults to the
/// engine's defaults. Send a clip as <c>audio</c> (any format an upload takes), or the id of an earlier upload as
/// <c>audioUploadId</c>, to make a pair; send neither for a text-only image. Send a picture (PNG or JPEG) as
/// <c>initImage</c> to edit it instead of drawing from noise, at <c>strength</c> in (0, 1] (default 0.6); it is
/// scaled to cover the output size and centre-cropped, and both images of a pair are edits of it.
/// </summary>
public sealed class SubmitJobForm
{
    public string Prompt { get; set; } = "";
    public string? NegativePrompt { get; set; }
    public int? Steps { get; set; }
    public string? Scheduler { get; set; }
    public double? TextGuidance { get; set; }
    public double? AudioGuidance { get; set; }
    public double? AudioStrength { get; set; }
    public double? AudioStrengthDown { get; set; }
    public double? AudioStrengthMid { get; set; }
    public double? AudioStrengthUp { get; set; }
    /// <summary>Omit for a random seed (the one drawn is reported with the job).</summary>
    public long? Seed { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    /// <summary>A LoRA file from the server's library as <c>NAME</c> or <c>NAME:SCALE</c>; repeat the field for several.</summary>
    public string[]? Lora { get; set; }
    public IFormFile? Audio { get; set; }
    public Guid? AudioUploadId { get; set; }
    public IFormFile? InitImage { get; set; }
    /// <summary>How far the edit of <see cref="InitImage"/> may move from it, in (0, 1]: near 0 keeps it, 1 redraws it.</summary>
    public double? Strength { get; set; }
    /// <summary>The model set to run on (a key <c>/health</c> lists); omit for the active one. It waits while no worker holds it.</summary>
    public string? ModelSet { get; set; }

    /// <summary>Reads the settings fields over <paramref name="defaults"/>; <paramref name="problems"/> names each unreadable field.</summary>
    public static GenerationSettings ReadSettings(IFormCollection form, GenerationSettings defaults, List<string> problems)
    {
        var levels = defaults.AudioLevels;
        return defaults with
        {
            Prompt = form["prompt"].ToString(),
            NegativePrompt = form.TryGetValue("negativePrompt", out var negative) ? negative.ToString() : defaults.NegativePrompt,
            Steps = Number(form, "steps", defaults.Steps, int.TryParse, problems),
            Scheduler = form.TryGetValue("scheduler", out var scheduler) && scheduler.Count > 0 ? scheduler.ToString() : defaults.Scheduler,
            TextGuidance = Number(form, "textGuidance", defaults.TextGuidance, double.TryParse, problems),
            AudioGuidance = Number(form, "audioGuidance", defaults.AudioGuidance, double.TryParse, problems),
            AudioStrength = Number(form, "audioStrength", defaults.AudioStrength, double.TryParse, problems),
            AudioLevels = new AudioLevelStrengths(
                Number(form, "audioStrengthDown", levels.Down, double.TryParse, problems),
                Number(form, "audioStrengthMid", levels.Mid, double.TryParse, problems),
                Number(form, "audioStrengthUp", levels.Up, double.TryParse, problems)),
            Seed = form.ContainsKey("seed") && form["seed"].ToString().Length > 0
                ? Number<long>(form, "seed", 0, long.TryParse, problems)
                : null,
            Width = Number(form, "width", defaults.Width, int.TryParse, problems),
            Height = Number(form, "height", defaults.Height, int.TryParse, problems),
            Strength = Number(form, "strength", defaults.Strength, double.TryParse, problems),
            Loras = form.TryGetValue("lora", out var loras) && loras.Count > 0
                ? loras.Where(l => !string.IsNullOrEmpty(l)).Select(l => ParseLora(l!, problems)).ToList()
                : defaults.Loras,
        };
    }

    // NAME or NAME:SCALE as the engine reads it; library names have no colons, so one left in the name is a bad scale.
    private static LoraChoice ParseLora(string text, List<string> problems)
    {
        var choice = LoraChoice.Parse(text);
        if (choice.Name.Contains(':', StringComparison.Ordinal))
            problems.Add($"'lora' must be NAME or NAME:SCALE, not '{Shorten(text)}'.");
        return choice;
    }

    private delegate bool Parser<T>(string? text, NumberStyles style, IFormatProvider provider, out T value);

    private static T Number<T>(IFormCollection form, string field, T fallback, Parser<T> parse, List<string> problems)
    {
        if (!form.TryGetValue(field, out var raw) || raw.ToString().Length == 0)
            return fallback;
        var style = typeof(T) == typeof(double) ? NumberStyles.Float : NumberStyles.Integer;
        if (parse(raw.ToString(), style, CultureInfo.InvariantCulture, out var value))
            return value;
        problems.Add($"'{field}' must be a {(typeof(T) == typeof(double) ? "number" : "whole number")}, not '{Shorten(raw.ToString())}'.");
        return fallback;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
