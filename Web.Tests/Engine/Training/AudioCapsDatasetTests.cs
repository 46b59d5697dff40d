using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Training;

public sealed class AudioCapsDatasetTests : IDisposable
{
    private readonly TempFolder folder = new("audiocaps");

    public void Dispose() => folder.Dispose();

    private AudioCapsLayout WriteDataset(string csv)
    {
        File.WriteAllText(folder.File("train.csv"), csv);
        Directory.CreateDirectory(folder.File("audio"));
        Directory.CreateDirectory(folder.File("images"));
        return new AudioCapsLayout(folder.Path);
    }

    [Fact]
    public void Reads_quoted_captions_and_finds_files_by_the_naming_rule()
    {
        var layout = WriteDataset("audiocap_id,youtube_id,start_time,caption\n" +
                                  "91139,r1nicOVtvkQ,130,\"A dog barks, then a man says \"\"sit\"\"\"\n" +
                                  "58146,UDGBjjwyaqE,20,Rain falls\n");
        File.WriteAllBytes(folder.File("audio/r1nicOVtvkQ_130.flac"), [1]);
        File.WriteAllBytes(folder.File("audio/r1nicOVtvkQ_130.wav"), [1]);
        File.WriteAllBytes(folder.File("images/r1nicOVtvkQ_130.jpg"), [1]);

        var entries = AudioCapsDataset.ReadSplit(layout, "train");

        Assert.Equal("A dog barks, then a man says \"sit\"", entries[0].Caption);
        Assert.Equal(folder.File("audio/r1nicOVtvkQ_130.wav"), entries[0].AudioPath);
        Assert.Equal(folder.File("images/r1nicOVtvkQ_130.jpg"), entries[0].ImagePath);
        Assert.Null(entries[1].AudioPath);
        Assert.Equal("Rain falls", entries[1].ConditioningText);
    }

    [Fact]
    public void A_prompt_column_overrides_the_conditioning_text_and_extra_columns_are_kept()
    {
        var layout = WriteDataset("audiocap_id,youtube_id,start_time,caption,prompt,labels\n1,a,0,A bell rings,a red circle,x\n");

        var entry = AudioCapsDataset.ReadSplit(layout, "train").Single();

        Assert.Equal("a red circle", entry.ConditioningText);
        Assert.Equal("x", entry.Columns["labels"]);
    }

    [Fact]
    public void Hostile_values_cannot_escape_the_dataset_folders()
    {
        var layout = WriteDataset("audiocap_id,youtube_id,start_time,caption\n1,../../etc/passwd,0,x\n");

        var stem = layout.Stem(layout.AudioNaming, new Dictionary<string, string>
        {
            ["audiocap_id"] = "1", ["youtube_id"] = "../../etc/passwd", ["start_time"] = "0", ["caption"] = "x",
        });

        Assert.Equal(stem, Path.GetFileName(stem));
        Assert.DoesNotContain("/", stem);
        Assert.False(stem.StartsWith('.'));
        Assert.Null(AudioCapsDataset.ReadSplit(layout, "train").Single().AudioPath);
    }

    [Theory]
    [InlineData("youtube_id,start_time,caption\na,0,x\n", "audiocap_id")]
    [InlineData("audiocap_id,youtube_id,start_time,caption\n1,a,0\n", "3 fields")]
    [InlineData("audiocap_id,youtube_id,start_time,caption\n1,a,0,\"open\n", "never closed")]
    [InlineData("", "empty")]
    public void Malformed_csv_gives_a_clear_error(string csv, string expected)
    {
        var layout = WriteDataset(csv);

        var error = Assert.Throws<InputException>(() => AudioCapsDataset.ReadSplit(layout, "train"));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Unknown_split_and_missing_csv_are_refused()
    {
        var layout = WriteDataset("audiocap_id,youtube_id,start_time,caption\n");

        Assert.Throws<InputException>(() => AudioCapsDataset.ReadSplit(layout, "dev"));
        Assert.Throws<InputException>(() => AudioCapsDataset.ReadSplit(layout, "val"));
    }

    [Fact]
    public void Sorting_puts_simple_captions_first()
    {
        var layout = WriteDataset("audiocap_id,youtube_id,start_time,caption\n1,a,0,A dog barks while a bell rings\n2,b,0,Wind\n3,c,0,Rain falls\n");

        var sorted = AudioCapsDataset.SortByCaptionLength(AudioCapsDataset.ReadSplit(layout, "train"));

        Assert.Equal(["Wind", "Rain falls", "A dog barks while a bell rings"], sorted.Select(e => e.Caption));
    }
}
