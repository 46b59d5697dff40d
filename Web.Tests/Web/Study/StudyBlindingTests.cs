using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>
/// A study's pairs stay blind on every path a participant or the public can reach: the job API and its images, the
/// stored files (even by addresses handed out before the study), the previews, the hub and the gallery. Admins still see them.
/// </summary>
public sealed class StudyBlindingTests : IDisposable
{
    private const string Participant = "participant-a";
    private const string Owner = "pair-maker-01";
    private readonly TempFolder _data = new("study-blinding");

    [Fact]
    public async Task A_participant_cannot_get_the_labelled_images_of_a_study_pair_by_any_route()
    {
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend()).ReadyAsync();
        var pairs = await factory.PairsAsync(2);
        var job = pairs[0];
        var hashes = await factory.DbAsync(db => db.Jobs.Where(j => j.Id == job)
            .Select(j => new[] { j.TextOnlyImage!, j.AudioConditionedImage! }).SingleAsync());
        var participant = factory.ClientFor(Participant);
        using (var before = await participant.GetAsync($"/media/{hashes[1]}.png"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.DoesNotContain("immutable", before.Headers.CacheControl!.ToString());
            Assert.True(before.Headers.CacheControl.Private);
        }

        await factory.OpenStudyAsync(pairs, attentionChecks: 0);

        foreach (var client in new[] { participant, factory.ClientFor(Owner) })
        {
            await NotFoundAsync(client, $"/api/jobs/{job}");
            await NotFoundAsync(client, $"/api/jobs/{job}/images/text-only");
            await NotFoundAsync(client, $"/api/jobs/{job}/images/audio-conditioned");
            foreach (var hash in hashes)
                await NotFoundAsync(client, $"/media/{hash}.png");
        }

        Assert.Null(await factory.Get<IGalleryStore>().GetAsync(job, Owner));
        var gallery = JsonDocument.Parse(await factory.ClientFor(Owner).GetStringAsync("/api/gallery?mine=true")).RootElement;
        Assert.Equal(0, gallery.GetProperty("total").GetInt32());

        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var admin = await factory.SignedInAsync("admin@example.org");
        using (var status = await admin.GetAsync($"/api/jobs/{job}"))
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        using (var image = await admin.GetAsync($"/media/{hashes[1]}.png"))
        {
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.True(image.Headers.CacheControl!.NoStore);
        }
    }

    [Fact]
    public async Task The_previews_of_a_study_job_are_for_admins_only()
    {
        var backend = new TestGenerationBackend();
        await using var factory = await new StudioFactory(_data.Path, backend).ReadyAsync();
        var pairs = await factory.PairsAsync(2);
        var board = factory.Get<ProgressBoard>();
        // The runner's own store for previews, filled as it fills it mid-run: one study job, one that is not. The other
        // job is held mid-run while its preview is read: the runner drops a job's previews once it has ended, and a
        // preview stored after the job's end was once dropped under the test's feet.
        var studyPreview = board.StorePreview(pairs[0], 3, TinyPng.Solid(8, 1, 2, 3));
        backend.Gate.Reset();
        var otherJob = await factory.ClientFor(Owner).QueueAsync("a cat", null, steps: 2, seed: 5);
        await factory.ClientFor(Owner).WaitForAsync(otherJob, "Running");
        var otherPreview = board.StorePreview(otherJob, 3, TinyPng.Solid(8, 1, 2, 3));
        await factory.OpenStudyAsync(pairs, attentionChecks: 0);

        await NotFoundAsync(factory.ClientFor(Participant), studyPreview);
        await NotFoundAsync(factory.ClientFor(Owner), studyPreview);
        using (var open = await factory.ClientFor(Participant).GetAsync(otherPreview))
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        backend.Gate.Set();
        await factory.ClientFor(Owner).WaitForAsync(otherJob);
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        using var forAdmin = await (await factory.SignedInAsync("admin@example.org")).GetAsync(studyPreview);
        Assert.Equal(HttpStatusCode.OK, forAdmin.StatusCode);
    }

    [Fact]
    public async Task The_hub_answers_a_study_job_as_missing_and_sends_none_of_its_events()
    {
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend()).ReadyAsync();
        var pairs = await factory.PairsAsync(1);
        await factory.OpenStudyAsync(pairs, attentionChecks: 0);
        var received = new ConcurrentQueue<(string Method, JsonElement Message)>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "hubs/engine"), options =>
            {
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                options.Headers["X-Client-Id"] = factory.SignedId(Owner);
            })
            .Build();
        foreach (var method in new[] { "QueuePosition", "Progress", "Completed", "Failed" })
            connection.On<JsonElement>(method, message => received.Enqueue((method, message)));
        await connection.StartAsync();

        await connection.InvokeAsync("Subscribe", pairs[0]);
        await StudioApi.WaitUntilAsync(() => !received.IsEmpty, "the hub answers the subscription");

        var (answer, message) = Assert.Single(received);
        Assert.Equal("Failed", answer);
        Assert.Equal("There is no such job.", message.GetProperty("error").GetString());
        Assert.DoesNotContain("/media/", message.GetRawText());
    }

    private static async Task NotFoundAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
    }

    public void Dispose() => _data.Dispose();
}
