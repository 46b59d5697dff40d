using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>
/// The demo world as a training dataset, as the <c>world</c> stage of <c>demo build</c> writes it: 10 s clips at
/// the demo CLAP's sampling rate and frames at the demo model's image size, through <see cref="WorldDatasetWriter"/>.
/// <see cref="BuildOnce"/> is the server's path: it writes beside the destination and moves the finished folder
/// into place with a <see cref="ManifestFile"/> naming what it holds, so a build a crash cut short is never taken
/// for a finished one, and a finished one is built once.
/// </summary>
public static class DemoWorldDataset
{
    /// <summary>Written last, inside the finished folder: the splits and seed it was built from.</summary>
    public const string ManifestFile = "demo-world.json";

    /// <summary>Marks a folder being written; left behind only by a build that never finished.</summary>
    public const string PartialSuffix = ".partial";

    public const double ClipSeconds = 10;

    public static IReadOnlyDictionary<string, int> Splits(DemoProfile profile) =>
        new Dictionary<string, int> { ["train"] = profile.TrainClips, ["val"] = profile.ValClips, ["test"] = profile.TestClips };

    /// <summary>Writes the world into <paramref name="root"/> (which need not be empty), with no manifest.</summary>
    public static void Write(string root, IReadOnlyDictionary<string, int> splits, ulong seed, Action<int, int>? progress, CancellationToken cancellation) =>
        WorldDatasetWriter.Write(root, splits, seed, DemoArchitecture.ClapFeatures().SamplingRate, ClipSeconds, DemoArchitecture.ImageSize,
            progress, cancellation);

    /// <summary>True when <paramref name="root"/> is a finished build of exactly these splits and this seed.</summary>
    public static bool IsComplete(string root, IReadOnlyDictionary<string, int> splits, ulong seed)
    {
        var path = Path.Combine(root, ManifestFile);
        if (!File.Exists(path))
            return false;
        try
        {
            var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path));
            return manifest is not null && manifest.Matches(new Manifest(seed, new SortedDictionary<string, int>(splits.ToDictionary())));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The finished dataset at <paramref name="root"/>: reused when it is complete for these splits and seed,
    /// otherwise written into <c>root.partial</c> (whatever an earlier try left there is cleared first), given
    /// its manifest and moved into place, replacing a folder that was not complete. True when it was built now.
    /// </summary>
    public static bool BuildOnce(string root, IReadOnlyDictionary<string, int> splits, ulong seed, Action<int, int>? progress,
        CancellationToken cancellation)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (IsComplete(root, splits, seed))
            return false;
        var partial = root + PartialSuffix;
        if (Directory.Exists(partial))
            Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        Write(partial, splits, seed, progress, cancellation);
        var manifest = new Manifest(seed, new SortedDictionary<string, int>(splits.ToDictionary()));
        File.WriteAllText(Path.Combine(partial, ManifestFile), JsonSerializer.Serialize(manifest));
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
        Directory.Move(partial, root);
        return true;
    }

    private sealed record Manifest(
        [property: JsonPropertyName("seed")] ulong Seed,
        [property: JsonPropertyName("splits")] SortedDictionary<string, int> Splits)
    {
        [JsonPropertyName("version")]
        public int Version { get; init; } = CurrentVersion;

        // Raised when the writer's output changes, so an older build is written again.
        private const int CurrentVersion = 1;

        public bool Matches(Manifest other) => Seed == other.Seed && Version == other.Version && Splits.SequenceEqual(other.Splits);
    }
}
