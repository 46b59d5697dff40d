using System.Security.Cryptography;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Server.Persistence;

namespace Clap2Diffusion.Server.Study;

/// <summary>
/// A study's own copies of its images and clips, in <c>study/&lt;study id&gt;/</c> under the data folder, named
/// by random ids. Images are decoded and encoded again as plain RGB PNGs with no text chunks, so a copy holds
/// pixels only: no generation parameters, no prompt, nothing that tells the two conditions apart.
/// </summary>
public sealed class StudyMedia(StoragePaths paths)
{
    public string FolderOf(Guid studyId) => Path.Combine(paths.DataFolder, "study", studyId.ToString("N"));

    public string PathOf(Guid studyId, string fileName)
    {
        if (fileName.Length == 0 || fileName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '.')) || fileName.Contains(".."))
            throw new ArgumentException($"'{fileName}' is not a study media file name.", nameof(fileName));
        return Path.Combine(FolderOf(studyId), fileName);
    }

    /// <summary>Stores a metadata-free copy of a PNG (or any image the engine decodes) and returns its file name.</summary>
    public async Task<(string FileName, int Width, int Height)> StoreImageAsync(Guid studyId, byte[] encoded, CancellationToken cancellationToken)
    {
        var image = RgbImage.Decode(encoded);
        var fileName = await WriteAsync(studyId, PngWriter.Encode(image.Width, image.Height, image.Pixels), "png", cancellationToken);
        return (fileName, image.Width, image.Height);
    }

    /// <summary>A uniform mid-grey image: the obviously worse side of an attention check.</summary>
    public Task<string> StoreBlankAsync(Guid studyId, int width, int height, CancellationToken cancellationToken)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, (byte)128);
        return WriteAsync(studyId, PngWriter.Encode(width, height, pixels), "png", cancellationToken);
    }

    public Task<string> StoreAudioAsync(Guid studyId, byte[] wav, CancellationToken cancellationToken) =>
        WriteAsync(studyId, wav, "wav", cancellationToken);

    public void DeleteStudy(Guid studyId)
    {
        var folder = FolderOf(studyId);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    /// <summary>A random URL-safe token of 128 bits: trial addresses cannot be guessed or ordered.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(16));

    public static bool IsToken(string value) => value.Length == 22 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private async Task<string> WriteAsync(Guid studyId, byte[] bytes, string extension, CancellationToken cancellationToken)
    {
        var fileName = $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}.{extension}";
        var path = PathOf(studyId, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);
        return fileName;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
