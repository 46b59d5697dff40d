using System.Text.Json;

namespace Clap2Diffusion.Engine.Training.Checkpoints;

/// <summary>
/// Checkpoint folders of one run, <c>step-000500/</c> and so on, plus <c>latest.json</c> naming the newest
/// complete one. A checkpoint is written into a hidden temporary folder and renamed into place only when
/// complete, and <c>latest.json</c> is replaced by rename after that, so a run killed mid-write still resumes
/// from the last good checkpoint.
/// </summary>
public sealed class CheckpointStore(string folder, int keep = 3)
{
    private const string LatestFile = "latest.json";

    public string Folder { get; } = folder;

    public static string NameFor(long step) => $"step-{step:D7}";

    /// <summary>Writes a checkpoint; <paramref name="write"/> fills the folder it is given.</summary>
    public string Save(long step, Action<string> write)
    {
        Directory.CreateDirectory(Folder);
        var name = NameFor(step);
        var final = Path.Combine(Folder, name);
        var temporary = Path.Combine(Folder, $".{name}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            write(temporary);
            if (Directory.Exists(final))
                Directory.Delete(final, recursive: true);
            Directory.Move(temporary, final);
        }
        catch
        {
            if (Directory.Exists(temporary))
                Directory.Delete(temporary, recursive: true);
            throw;
        }

        var latestTemporary = Path.Combine(Folder, $".{LatestFile}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(latestTemporary, JsonSerializer.Serialize(new { name, step, saved = DateTimeOffset.UtcNow }));
        File.Move(latestTemporary, Path.Combine(Folder, LatestFile), overwrite: true);
        Prune(name);
        return final;
    }

    /// <summary>The newest complete checkpoint folder, or null when the run has none.</summary>
    public (string Path, long Step)? Latest()
    {
        var latest = Path.Combine(Folder, LatestFile);
        if (!File.Exists(latest))
            return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(latest));
            var name = document.RootElement.GetProperty("name").GetString()!;
            var path = Path.Combine(Folder, name);
            return Directory.Exists(path) ? (path, document.RootElement.GetProperty("step").GetInt64()) : null;
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"{latest} is damaged ({error.Message}); pass a checkpoint folder explicitly to resume", error);
        }
    }

    public IReadOnlyList<string> All() =>
        Directory.Exists(Folder)
            ? Directory.GetDirectories(Folder, "step-*").Order(StringComparer.Ordinal).ToList()
            : [];

    private void Prune(string current)
    {
        foreach (var stale in Directory.GetDirectories(Folder, ".step-*.tmp"))
            Directory.Delete(stale, recursive: true);
        if (keep <= 0)
            return;
        var complete = All();
        foreach (var old in complete.Take(Math.Max(0, complete.Count - keep)))
            if (Path.GetFileName(old) != current)
                Directory.Delete(old, recursive: true);
    }
}
