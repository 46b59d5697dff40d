using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Datasets;

public sealed class AudioCapsCsvTests
{
    [Fact]
    public void Written_rows_read_back_the_same_and_quote_only_where_needed()
    {
        using var folder = new TempFolder("audiocaps-csv");
        var rows = new List<IReadOnlyDictionary<string, string>>
        {
            Row("1", "-abc", "30", "Plain words"),
            Row("2", "def", "0", "A dog barks, then a man says \"sit\""),
            Row("3", "ghi", "10", "Two\nlines"),
        };

        AudioCapsCsv.Write(folder.File("train.csv"), AudioCapsLayout.RequiredColumns, rows);
        var table = AudioCapsCsv.Read(folder.File("train.csv"));

        Assert.Equal(rows.Select(r => string.Join('|', r.Values)), table.Rows.Select(r => string.Join('|', r.Values)));
        Assert.StartsWith("audiocap_id,youtube_id,start_time,caption\n1,-abc,30,Plain words\n2,def,0,\"A dog barks, then a man says \"\"sit\"\"\"\n",
            File.ReadAllText(folder.File("train.csv")));
    }

    private static Dictionary<string, string> Row(string id, string youtube, string start, string caption) =>
        new() { ["audiocap_id"] = id, ["youtube_id"] = youtube, ["start_time"] = start, ["caption"] = caption };
}
