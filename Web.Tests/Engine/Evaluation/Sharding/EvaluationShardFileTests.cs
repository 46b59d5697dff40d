using System.Text.Json.Nodes;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation.Sharding;

namespace Clap2Diffusion.Tests.Engine.Evaluation.Sharding;

/// <summary>A damaged or foreign shard file is refused with a message that names the file and the fault, never a crash.</summary>
public sealed class EvaluationShardFileTests(ShardedRunFixture fixture) : IClassFixture<ShardedRunFixture>
{
    private string Damaged(string name, Action<JsonNode> damage)
    {
        var json = JsonNode.Parse(File.ReadAllText(fixture.FirstFile))!;
        damage(json);
        var path = fixture.Folder.File(Path.Combine("shards", name + ".json"));
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static void Refused(string path, string expected)
    {
        var error = Assert.Throws<InputException>(() => EvaluationShardFile.Read(path));
        Assert.StartsWith(path, error.Message);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.Message);
    }

    private static JsonNode FirstImage(JsonNode json) => json["cases"]![0]!["images"]![0]!;

    [Fact]
    public void A_file_that_is_not_a_shard_is_refused()
    {
        var truncated = fixture.Folder.File("shards/truncated.json");
        File.WriteAllText(truncated, File.ReadAllText(fixture.FirstFile)[..500]);

        Refused(truncated, "is not a readable evaluation shard");
        Refused(Damaged("format", j => j["format"] = "clap2diffusion.fid-statistics.v1"),
            "not an evaluation shard (format 'clap2diffusion.fid-statistics.v1'");
        Refused(Damaged("version", j => j["version"] = 2), "evaluation shard version 2; this engine reads version 1");
        Assert.Equal("shard file not found: nowhere.json", Assert.Throws<InputException>(() => EvaluationShardFile.Read("nowhere.json")).Message);
    }

    [Fact]
    public void Missing_unknown_and_null_members_are_refused()
    {
        Refused(Damaged("no-header", j => j.AsObject().Remove("header")), "header");
        Refused(Damaged("unknown", j => j["surplus"] = 1), "surplus");
        Refused(Damaged("null-variant", j => FirstImage(j)["variant"] = null), "is not a readable evaluation shard");
        Refused(Damaged("bad-base64", j => FirstImage(j)["features"] = "not base64!"), "is not a readable evaluation shard");
    }

    [Fact]
    public void Parts_that_do_not_fit_together_are_refused()
    {
        Refused(Damaged("short-row", j => FirstImage(j)["features"] = Convert.ToBase64String(BitConverter.GetBytes(1.0))),
            "the shard's feature rows have lengths 1, 8");
        Refused(Damaged("escape", j => FirstImage(j)["file"] = "../../elsewhere.png"),
            "the image file must be images/matching-000/text_only.png, not '../../elsewhere.png'");
        Refused(Damaged("variant", j => FirstImage(j)["variant"] = "audio"), "case matching-000 has images of audio, audio, shuffled_audio");
        Refused(Damaged("order", j => j["cases"]![1]!["index"] = 0), "case indices must ascend without repeats; 0 follows 0");
        Refused(Damaged("count", j => j["variant_statistics"]!["audio"]!["count"] = 5),
            "the FID statistics of the audio images count 5 images, but the shard has 4 feature rows of them");
        Refused(Damaged("index", j => j["cases"]![3]!["index"] = 12), "case index 12 lies outside 0..11");
    }
}
