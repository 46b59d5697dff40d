using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Clap2Diffusion.Engine.Datasets;

/// <summary>
/// The order in which <c>--limit</c> takes clips: by a hash of the seed and the clip, so a seed picks the same clips
/// whatever the CSV's order or the .NET version, and a larger limit with the same seed keeps every clip a smaller one took.
/// </summary>
public static class ClipSelection
{
    public static IReadOnlyList<AudioCapsClip> Rank(IEnumerable<AudioCapsClip> clips, long seed) =>
        clips.OrderBy(clip => Key(clip, seed)).ThenBy(clip => clip.YoutubeId, StringComparer.Ordinal)
            .ThenBy(clip => clip.StartTime, StringComparer.Ordinal).ToList();

    private static ulong Key(AudioCapsClip clip, long seed)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{clip.YoutubeId}\n{clip.StartTime}"));
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }
}
