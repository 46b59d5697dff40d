using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Lifetimes;

/// <summary>
/// <c>hidden-scalar-allow-list.txt</c> beside this file: one <c>path | Type.Member | reason</c> per line, for the few
/// places where a hidden Scalar is known to be safe. An entry without a reason, or one that no longer matches
/// anything, is an error, so the list stays short and true.
/// </summary>
public sealed record HiddenScalarAllowList(IReadOnlyList<HiddenScalarAllowList.Entry> Entries)
{
    public sealed record Entry(int Line, string File, string Member, string Reason)
    {
        public bool Covers(HiddenScalar site) => site.File == File && site.Member == Member;
    }

    public static string PathOnDisk =>
        Path.Combine(SharedData.RepositoryRoot, "Web.Tests", "Engine", "Lifetimes", "hidden-scalar-allow-list.txt");

    public static HiddenScalarAllowList Load() => Parse(File.ReadAllLines(PathOnDisk));

    public static HiddenScalarAllowList Parse(IReadOnlyList<string> lines)
    {
        var entries = new List<Entry>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var parts = line.Split('|', 3, StringSplitOptions.TrimEntries);
            if (parts.Length != 3 || parts.Any(p => p.Length == 0))
                throw new FormatException($"hidden-scalar-allow-list.txt line {i + 1} must read 'path | Type.Member | why it is safe': {line}");
            entries.Add(new Entry(i + 1, parts[0], parts[1], parts[2]));
        }
        return new HiddenScalarAllowList(entries);
    }
}
