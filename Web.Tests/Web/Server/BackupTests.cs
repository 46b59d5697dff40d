using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Backup;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>Content that adds up after a crash, and a backup taken while the server works that restores to its moment.</summary>
public sealed class BackupTests : IDisposable
{
    private readonly TempFolder _root = new("backup");

    private string Folder(string name) => Path.Combine(_root.Path, name);

    [Fact]
    public async Task A_backup_taken_under_load_restores_to_the_gallery_and_study_results_of_its_moment()
    {
        var backend = new TestGenerationBackend();
        await using var original = await new StudioFactory(Folder("original"), backend).ReadyAsync();
        var (studyId, code) = await original.OpenStudyAsync(await original.PairsAsync(2), attentionChecks: 0);
        var participation = original.Get<IStudyParticipation>();
        await participation.ConsentAsync(code, "participant-0001");
        await participation.PlayAndVoteAsync(code, "participant-0001", StudyChoice.Left);
        var observer = original.ClientFor("observer-0001");
        await observer.WaitForAsync(await observer.QueueAsync("a dog in the city", steps: 2));

        // The load goes on through the backup: submissions write rows, while the held engine keeps the gallery still.
        backend.Gate.Reset();
        using var stopLoad = new CancellationTokenSource();
        var submitted = 0;
        var load = Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                using var response = await original.ClientFor($"load-client-{submitted % 8:D4}").SubmitAsync($"load {submitted}");
                submitted++;
            }
        });
        await StudioApi.WaitUntilAsync(() => submitted >= 5, "the load is under way");
        var galleryAtBackup = await GalleryAsync(observer);
        var resultsAtBackup = await ResultsAsync(original, studyId);
        var report = await original.Get<OnlineBackup>().TakeAsync(Folder("backup"), CancellationToken.None);
        var atBackupSubmitted = submitted;
        Assert.Equal(galleryAtBackup, await GalleryAsync(observer));
        await StudioApi.WaitUntilAsync(() => submitted >= atBackupSubmitted + 5, "the load goes on after the backup");
        await stopLoad.CancelAsync();
        await load;

        // The original moves on: another vote, and the held jobs complete.
        await participation.ConsentAsync(code, "participant-0002");
        await participation.PlayAndVoteAsync(code, "participant-0002", StudyChoice.Right);
        backend.Gate.Set();
        await observer.WaitForAsync(await observer.QueueAsync("a dog after the backup", steps: 2));
        Assert.NotEqual(galleryAtBackup, await GalleryAsync(observer));
        Assert.NotEqual(resultsAtBackup, await ResultsAsync(original, studyId));

        CopyFolder(Folder("backup"), Folder("restored"));
        var held = new TestGenerationBackend();
        held.Gate.Reset();
        await using var restored = await new StudioFactory(Folder("restored"), held).ReadyAsync();
        var restoredObserver = restored.ClientFor("observer-0001");

        Assert.Equal(0, report.MissingFiles);
        Assert.Equal(galleryAtBackup, await GalleryAsync(restoredObserver));
        Assert.Equal(resultsAtBackup, await ResultsAsync(restored, studyId));
        using var gallery = JsonDocument.Parse(galleryAtBackup);
        var images = gallery.RootElement.GetProperty("items").EnumerateArray()
            .Select(item => item.GetProperty("job").GetProperty("images"))
            .SelectMany(urls => new[] { urls.GetProperty("textOnlyUrl").GetString(), urls.GetProperty("audioConditionedUrl").GetString() })
            .OfType<string>().ToList();
        Assert.NotEmpty(images);
        foreach (var url in images)
            Assert.Equal(await observer.GetByteArrayAsync(url), await restoredObserver.GetByteArrayAsync(url));
        held.Gate.Set();
    }

    [Fact]
    public async Task The_sweep_reconciles_content_rows_and_files_a_crash_left_apart()
    {
        await using var factory = await new StudioFactory(Folder("sweep"), new TestGenerationBackend(),
            new Dictionary<string, string?> { ["Storage:UnusedUploadRetention"] = "00:01:00" }).ReadyAsync();
        var content = factory.Get<ContentStore>();
        var orphan = new string('a', 64);
        var gone = new string('b', 64);
        Directory.CreateDirectory(Path.GetDirectoryName(content.PathOf(orphan, "wav"))!);
        await File.WriteAllBytesAsync(content.PathOf(orphan, "wav"), new byte[4096]);
        await factory.DbAsync(async db =>
        {
            // An upload whose row was deleted before its file, and a file deleted before its row.
            db.Contents.Add(new ContentEntity { Hash = orphan, Extension = "wav", Bytes = 4096, CreatedAt = DateTime.UtcNow.AddHours(-1) });
            db.Contents.Add(new ContentEntity { Hash = gone, Extension = "png", Bytes = 8192, CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(4096 + 8192, await content.UsedBytesAsync(CancellationToken.None));

        await factory.Get<RetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(0, await content.UsedBytesAsync(CancellationToken.None));
        Assert.False(File.Exists(content.PathOf(orphan, "wav")));
        Assert.Equal(0, await factory.DbAsync(db => db.Contents.CountAsync()));
    }

    private static async Task<string> GalleryAsync(HttpClient client) => await client.GetStringAsync("/api/gallery?take=200");

    private static async Task<string> ResultsAsync(StudioFactory factory, Guid studyId) =>
        JsonSerializer.Serialize(await factory.Get<IStudyAdmin>().ResultsAsync(studyId, excludeFailedAttention: false), ResultsJson);

    /// <summary>Results hold NaN and infinities while there are few votes.</summary>
    private static readonly JsonSerializerOptions ResultsJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    public void Dispose() => _root.Dispose();
}
