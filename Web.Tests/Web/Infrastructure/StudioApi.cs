using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>The HTTP API as a script uses it, with waits that fail with the job's last state.</summary>
public static class StudioApi
{
    public static readonly string[] FinishedStates = ["Completed", "Failed", "Cancelled", "Skipped"];

    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string prompt, byte[]? audio = null,
        IDictionary<string, string>? fields = null, string audioName = "clip.wav")
    {
        using var form = new MultipartFormDataContent { { new StringContent(prompt), "prompt" } };
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
            form.Add(new StringContent(value), name);
        if (audio is not null)
        {
            var file = new ByteArrayContent(audio);
            file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(file, "audio", audioName);
        }

        return await client.PostAsync("/api/jobs", form);
    }

    /// <summary>Submits an edit of <paramref name="image"/> (sent as <c>initImage</c>), with a clip when one is given.</summary>
    public static async Task<HttpResponseMessage> SubmitEditAsync(this HttpClient client, string prompt, byte[] image, string? strength,
        byte[]? audio = null, IDictionary<string, string>? fields = null, string imageName = "photo.png")
    {
        using var form = new MultipartFormDataContent { { new StringContent(prompt), "prompt" } };
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
            form.Add(new StringContent(value), name);
        if (strength is not null)
            form.Add(new StringContent(strength), "strength");
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "initImage", imageName);
        if (audio is not null)
        {
            var clip = new ByteArrayContent(audio);
            clip.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(clip, "audio", "clip.wav");
        }

        return await client.PostAsync("/api/jobs", form);
    }

    /// <summary>Submits and returns the job id, failing with the server's answer when it is refused.</summary>
    public static async Task<Guid> QueueAsync(this HttpClient client, string prompt, byte[]? audio = null, int steps = 4, long? seed = null)
    {
        var fields = new Dictionary<string, string> { ["steps"] = steps.ToString(CultureInfo.InvariantCulture) };
        if (seed is { } s)
            fields["seed"] = s.ToString(CultureInfo.InvariantCulture);
        using var response = await client.SubmitAsync(prompt, audio, fields);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Submission refused: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("jobId").GetGuid();
    }

    /// <summary>A client id from <c>POST /api/clients</c>, as a script asks for one.</summary>
    public static async Task<string> IssuedClientIdAsync(this HttpClient client)
    {
        using var response = await client.PostAsync("/api/clients", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"No client id issued: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("clientId").GetString()!;
    }

    public static async Task<JsonElement> StatusAsync(this HttpClient client, Guid jobId)
    {
        var body = await client.GetStringAsync($"/api/jobs/{jobId}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> WaitForAsync(this HttpClient client, Guid jobId, params string[] states)
    {
        var wanted = states.Length == 0 ? FinishedStates : states;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await client.StatusAsync(jobId);
            if (wanted.Contains(status.GetProperty("state").GetString()))
                return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Job {jobId} never reached {string.Join("/", wanted)}; last: {status}");
            await Task.Delay(20);
        }
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }
}
