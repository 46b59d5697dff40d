using Clap2Diffusion.Engine.Datasets;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Datasets;

public sealed class VideoIndexTests
{
    [Theory]
    [InlineData("-NrFeH-kBSM.mp4", "-NrFeH-kBSM")]
    [InlineData("r1nicOVtvkQ.webm", "r1nicOVtvkQ")]
    [InlineData("Dog barks [HD] [r1nicOVtvkQ].mkv", "r1nicOVtvkQ")]
    [InlineData("[not this] title, with comma [-NrFeH-kBSM].m4a", "-NrFeH-kBSM")]
    [InlineData("r1nicOVtvkQ.mp4.part", null)]
    [InlineData("Dog barks [r1nicOVtvkQ].info.json", null)]
    [InlineData("Dog barks [r1nicOVtvkQ].webp", null)]
    [InlineData(".hidden.mp4", null)]
    [InlineData("README", null)]
    public void Reads_the_id_from_plain_and_yt_dlp_names_and_skips_side_files(string fileName, string? expected) =>
        Assert.Equal(expected, VideoIndex.IdOf(fileName));

    [Fact]
    public void Where_two_files_name_one_id_the_first_by_name_wins_whatever_the_directory_order()
    {
        using var folder = new TempFolder("video-index");
        File.WriteAllText(folder.File("b [abc].mp4"), "");
        File.WriteAllText(folder.File("a [abc].webm"), "");
        File.WriteAllText(folder.File("abc.part"), "");

        var index = VideoIndex.Build(folder.Path);

        Assert.Equal(1, index.Count);
        Assert.Equal(folder.File("a [abc].webm"), index.Find("abc"));
        Assert.Null(index.Find("abd"));
    }
}
