using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Datasets;

/// <summary>Bad arguments exit 2 with a message naming the option, before any file is written.</summary>
public sealed class PrepareAudioCapsArgumentTests : IDisposable
{
    private const string Header = "audiocap_id,youtube_id,start_time,caption\n";
    private readonly TempFolder folder = new("prepare-args");

    public PrepareAudioCapsArgumentTests()
    {
        Directory.CreateDirectory(folder.File("media"));
        File.WriteAllText(folder.File("train.csv"), Header + "1,-abc,0,A bell rings\n");
    }

    public void Dispose() => folder.Dispose();

    private (int Code, string Error) Prepare(string csv, string output, params string[] more)
    {
        var (code, _, error) = EngineCliTests.Run(["prepare-audiocaps", "--csv", csv, "--media", folder.File("media"), "--out", output, .. more]);
        return (code, error);
    }

    [Fact]
    public void A_missing_csv_exits_2()
    {
        var (code, error) = Prepare(folder.File("nowhere/train.csv"), folder.File("out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--csv", error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void A_csv_without_the_official_columns_exits_2_and_names_them()
    {
        File.WriteAllText(folder.File("val.csv"), "id,url,caption\n1,x,y\n");

        var (code, error) = Prepare(folder.File("val.csv"), folder.File("out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("youtube_id, start_time", error);
    }

    [Fact]
    public void An_output_folder_that_is_a_file_exits_2_and_the_file_is_kept()
    {
        File.WriteAllText(folder.File("out"), "mine");

        var (code, error) = Prepare(folder.File("train.csv"), folder.File("out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--out", error);
        Assert.Equal("mine", File.ReadAllText(folder.File("out")));
    }

    [Fact]
    public void An_output_folder_holding_the_input_csv_exits_2_and_the_csv_is_kept()
    {
        var (code, error) = Prepare(folder.File("train.csv"), folder.Path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("would replace", error);
        Assert.Equal(Header + "1,-abc,0,A bell rings\n", File.ReadAllText(folder.File("train.csv")));
    }

    [Theory]
    [InlineData("clips.csv", "", "train.csv, val.csv or test.csv")]
    [InlineData("train.csv", "--jobs 0", "--jobs")]
    [InlineData("train.csv", "--limit 0", "--limit")]
    public void Other_bad_arguments_exit_2_and_name_the_option(string csvName, string extra, string expected)
    {
        if (csvName != "train.csv")
            File.Copy(folder.File("train.csv"), folder.File(csvName));

        var (code, error) = Prepare(folder.File(csvName), folder.File("out"), extra.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_start_time_that_is_not_a_number_exits_2_with_the_record()
    {
        File.WriteAllText(folder.File("test.csv"), Header + "1,abc,0,x\n2,def,soon,y\n");

        var (code, error) = Prepare(folder.File("test.csv"), folder.File("out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("record 3", error);
    }
}
