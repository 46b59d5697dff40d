using System.Text.Json;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Tokenizers;

/// <summary>The reference CLIP vocabulary laid out as a diffusers <c>tokenizer/</c> folder, loaded once per test class.</summary>
public sealed class ClipTokenizerFixture : IDisposable
{
    public ClipTokenizerFixture()
    {
        Folder = new TempFolder("clip-tokenizer");
        foreach (var name in new[] { "vocab.json", "merges.txt" })
            File.Copy(SharedData.PathOf("parity", "clip-tokenizer", name), Folder.File(name));
        Tokenizer = CLIPTokenizer.FromPretrained(Folder.Path);
    }

    public TempFolder Folder { get; }

    public CLIPTokenizer Tokenizer { get; }

    public static IReadOnlyList<ReferenceCase> Cases { get; } = ReadLines("cases.jsonl")
        .Select(row => new ReferenceCase(
            row.GetProperty("text").GetString()!,
            row.GetProperty("ids").EnumerateArray().Select(id => id.GetInt64()).ToArray(),
            row.GetProperty("category").GetString()!,
            row.GetProperty("ftfy_dependent").GetBoolean()))
        .ToList();

    public static IReadOnlyList<(string Text, long[] InputIds)> PaddedCases { get; } = ReadLines("sd15_padded.jsonl")
        .Select(row => (row.GetProperty("text").GetString()!,
            row.GetProperty("input_ids").EnumerateArray().Select(id => id.GetInt64()).ToArray()))
        .ToList();

    public void Dispose() => Folder.Dispose();

    private static IEnumerable<JsonElement> ReadLines(string name) =>
        File.ReadLines(SharedData.PathOf("parity", "clip-tokenizer", name))
            .Where(line => line.Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone());
}

public sealed record ReferenceCase(string Text, long[] Ids, string Category, bool FtfyDependent)
{
    public override string ToString() => $"[{Category}] {System.Text.Json.JsonSerializer.Serialize(Text)}";
}
