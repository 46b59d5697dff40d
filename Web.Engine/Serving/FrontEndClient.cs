using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// A worker's calls to the front end's <c>/api/worker/*</c>, with the key as a bearer token and the session its
/// hello was given. A 410 answer means the front end forgot this worker (it restarted): the worker says hello again.
/// </summary>
public sealed class FrontEndClient : IDisposable
{
    private readonly HttpClient _http;

    public FrontEndClient(Uri server, string key)
    {
        _http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public string Session { get; private set; } = "";

    /// <summary>Hello; <see cref="InputException"/> with the reason when the front end refuses this worker.</summary>
    public async Task<WorkerWelcome> HelloAsync(WorkerHello hello, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("api/worker/hello", hello, WorkerJson.Options, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new InputException($"the front end at {_http.BaseAddress} refused the worker key (a different --key-file than its Engine:WorkerKeyFile)");
        if (response.StatusCode == HttpStatusCode.Conflict)
            throw new InputException($"a worker named '{hello.Name}' is already live at {_http.BaseAddress}; give this one another --name");
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new InputException($"the front end at {_http.BaseAddress} takes no engine workers (its Engine:Mode is not remote)");
        await EnsureAsync(response, "hello", cancellationToken);
        var welcome = await response.Content.ReadFromJsonAsync<WorkerWelcome>(WorkerJson.Options, cancellationToken)
            ?? throw new InvalidDataException("the front end's welcome was empty");
        Session = welcome.Session;
        return welcome;
    }

    /// <summary>False when the front end forgot this worker's session.</summary>
    public Task<bool> ReadyAsync(string name, EngineDescription engine, long modelGeneration, CancellationToken cancellationToken) =>
        PostAsync("api/worker/ready", new WorkerReady(name, Session, engine, modelGeneration), cancellationToken);

    /// <summary>The front end's answer; null when it forgot this worker.</summary>
    public async Task<HeartbeatReply?> HeartbeatAsync(string name, string state, Guid? job, string? error, Guid? run, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("api/worker/heartbeat", new WorkerHeartbeat(name, Session, state, job, error, run), WorkerJson.Options,
            cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
            return null;
        await EnsureAsync(response, "heartbeat", cancellationToken);
        return await response.Content.ReadFromJsonAsync<HeartbeatReply>(WorkerJson.Options, cancellationToken);
    }

    public Task<bool> GoodbyeAsync(string name, CancellationToken cancellationToken) =>
        PostAsync("api/worker/goodbye", new WorkerGoodbye(name, Session), cancellationToken);

    /// <summary>The front end's answer to a claim; null when it forgot this worker.</summary>
    public async Task<JobTicket?> StartAsync(string name, Guid job, long dispatch, string entry, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"api/worker/jobs/{job:N}/start", new JobClaim(name, Session, dispatch, entry),
            WorkerJson.Options, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
            return null;
        await EnsureAsync(response, "start", cancellationToken);
        return await response.Content.ReadFromJsonAsync<JobTicket>(WorkerJson.Options, cancellationToken);
    }

    /// <summary>One of the held job's inputs: <c>audio</c>, <c>init-image</c> or <c>loras/NAME</c>.</summary>
    public async Task<byte[]> InputAsync(string name, Guid job, string input, CancellationToken cancellationToken)
    {
        var url = $"api/worker/jobs/{job:N}/{input}?name={Uri.EscapeDataString(name)}&session={Uri.EscapeDataString(Session)}";
        using var response = await _http.GetAsync(url, cancellationToken);
        await EnsureAsync(response, input, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public Task<bool> ProgressAsync(Guid job, WorkerProgress progress, CancellationToken cancellationToken) =>
        PostAsync($"api/worker/jobs/{job:N}/progress", progress with { Session = Session }, cancellationToken);

    /// <summary>The receipt of a result; null when the front end forgot this worker.</summary>
    public async Task<ResultReceipt?> ResultAsync(Guid job, WorkerResult result, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"api/worker/jobs/{job:N}/result", result with { Session = Session }, WorkerJson.Options,
            cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
            return null;
        await EnsureAsync(response, "result", cancellationToken);
        return await response.Content.ReadFromJsonAsync<ResultReceipt>(WorkerJson.Options, cancellationToken);
    }

    public async Task<bool> HandBackAsync(string name, Guid job, int attempt, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"api/worker/jobs/{job:N}/release", new JobHandBack(name, Session, attempt), WorkerJson.Options,
            cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <summary>False when the front end forgot this worker; the receipt says whether the attempt still holds the run.</summary>
    public async Task<bool?> RunReportAsync(Guid run, WorkerRunReport report, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"api/worker/runs/{run:N}/report", report with { Session = Session }, WorkerJson.Options,
            cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
            return null;
        await EnsureAsync(response, "run report", cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ResultReceipt>(WorkerJson.Options, cancellationToken))?.Accepted;
    }

    public async Task<ResultReceipt?> RunResultAsync(Guid run, WorkerRunResult result, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"api/worker/runs/{run:N}/result", result with { Session = Session }, WorkerJson.Options,
            cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
            return null;
        await EnsureAsync(response, "run result", cancellationToken);
        return await response.Content.ReadFromJsonAsync<ResultReceipt>(WorkerJson.Options, cancellationToken);
    }

    private async Task<bool> PostAsync<T>(string url, T body, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(url, body, WorkerJson.Options, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
            return false;
        await EnsureAsync(response, url, cancellationToken);
        return true;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new HttpRequestException($"the front end answered {call} with {(int)response.StatusCode}: {body}", null, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}
