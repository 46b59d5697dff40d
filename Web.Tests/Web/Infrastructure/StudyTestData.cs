using System.Net.Http.Json;
using System.Text.Json;
using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>Finished pairs made through the API with the test backend, and studies made of them.</summary>
public static class StudyTestData
{
    public const string AdminClient = "study-admin-client";

    public static async Task<List<Guid>> PairsAsync(this StudioFactory factory, int count, string prompt = "a dog barking in the rain",
        double clipSeconds = 0.3)
    {
        var client = factory.ClientFor("pair-maker-01");
        var clip = Wav.Tone(clipSeconds);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
            ids.Add(await client.QueueAsync($"{prompt} {i}", clip, steps: 2, seed: 1000 + i));
        foreach (var id in ids)
            Assert.Equal("Completed", (await client.WaitForAsync(id)).GetProperty("state").GetString());
        return ids;
    }

    /// <summary>
    /// Creates a study of the given pairs, opens it and returns its id and join code; <paramref name="configure"/>
    /// sets the access mode and the other settings of the draft.
    /// </summary>
    public static async Task<(Guid Id, string JoinCode)> OpenStudyAsync(this StudioFactory factory, IReadOnlyList<Guid> pairs, int attentionChecks = 1,
        int target = 1000, int? perParticipant = null, Func<StudyDraft, StudyDraft>? configure = null)
    {
        var studies = factory.Get<IStudyAdmin>();
        var draft = new StudyDraft("Does the sound help?", "Listen, then look.", target, attentionChecks, perParticipant, pairs, []);
        var created = await studies.CreateAsync(AdminClient, configure is null ? draft : configure(draft));
        Assert.Empty(created.Problems);
        var id = created.StudyId!.Value;
        Assert.Equal(StudyState.Ready, (await studies.GetAsync(id))!.Summary.State);
        Assert.True(await studies.SetStateAsync(id, StudyState.Open));
        var joinUrl = (await studies.GetAsync(id))!.Summary.JoinUrl;
        return (id, joinUrl["/study/".Length..]);
    }

    /// <summary>Uploads a clip as <paramref name="clientId"/> and returns its upload id.</summary>
    public static async Task<Guid> UploadAsync(this StudioFactory factory, string clientId)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Wav.Tone(0.3));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/wav");
        form.Add(file, "audio", "clip.wav");
        using var response = await factory.ClientFor(clientId).PostAsync("/api/uploads", form);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>A participant's link as the page reads it: <c>?name=value</c>.</summary>
    public static StudyLink Link(string name, string value) => new(new Dictionary<string, string> { [name] = value });

    /// <summary>
    /// Plays and votes through the participant service, as a participant's page would; <paramref name="listen"/> is
    /// how long the participant listens between the trial being shown and the vote.
    /// </summary>
    public static async Task<VoteResult> PlayAndVoteAsync(this IStudyParticipation participation, string joinCode, string clientId, StudyChoice choice,
        TimeSpan listen = default)
    {
        var view = await participation.OpenAsync(joinCode, clientId);
        var trial = view.Trial ?? throw new InvalidOperationException($"No trial to vote on: {view.Stage}");
        if (listen > TimeSpan.Zero)
            await Task.Delay(listen);
        Assert.True(await participation.AudioPlayedAsync(joinCode, clientId, trial.TrialId));
        return await participation.VoteAsync(joinCode, clientId, trial.TrialId, choice);
    }
}
