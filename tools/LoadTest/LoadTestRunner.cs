using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Clap2Diffusion.LoadTest;

/// <summary>
/// Simulated users queue jobs through the HTTP API while a probe keeps loading the studio and gallery pages.
/// Checks that every job is accepted once, ends completed, and appears once in the gallery; measures the pages'
/// latency before and under load.
/// </summary>
public sealed class LoadTestRunner(HttpClient http, LoadTestOptions options, TextWriter log)
{
    private static readonly string[] Finished = ["Completed", "Failed", "Cancelled", "Skipped"];

    public async Task<LoadTestReport> RunAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var token = timeout.Token;
        var problems = new List<string>();
        var run = Guid.NewGuid().ToString("N")[..10];

        using var engine = JsonDocument.Parse(await http.GetStringAsync("api/engine", token));
        if (!engine.RootElement.GetProperty("ready").GetBoolean())
            throw new InvalidOperationException($"The server's engine is not ready: {engine.RootElement.GetProperty("problem")}");
        var pairs = options.Pairs ?? engine.RootElement.GetProperty("info").GetProperty("audioConditioningAvailable").GetBoolean();
        var audio = pairs ? options.AudioPath is null ? ToneWav.Make() : await File.ReadAllBytesAsync(options.AudioPath, token) : null;

        var idle = await ProbeAsync(5, token);
        log.WriteLine($"run {run}: {options.Users} users x {options.JobsPerUser} {(pairs ? "pairs" : "text-only jobs")}; idle pages {idle.Figures}");

        var clock = Stopwatch.StartNew();
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(token);
        var probe = ProbeUntilAsync(probing.Token);
        var submitLatency = new ConcurrentBag<double>();
        var ids = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(1, options.Users).Select(user =>
            UserAsync(run, user, audio, submitLatency, ids, token)));
        log.WriteLine($"{ids.Count} jobs accepted after {clock.Elapsed.TotalSeconds:0.0} s; waiting for them to finish");

        var ends = await Task.WhenAll(ids.Distinct().Select(id => WaitAsync(id, token)));
        var wall = clock.Elapsed;
        await probing.CancelAsync();
        var loaded = await probe;

        var gallery = await GalleryCountAsync(run, token);
        var expected = options.Users * options.JobsPerUser;
        var duplicates = ids.Count - ids.Distinct().Count();
        var completed = ends.Count(e => e.State == "Completed");
        if (ids.Count != expected)
            problems.Add($"{ids.Count} of {expected} jobs were accepted.");
        if (duplicates > 0)
            problems.Add($"{duplicates} job ids were handed out twice.");
        if (completed != expected)
            problems.Add($"{completed} of {expected} jobs completed.");
        if (gallery != expected)
            problems.Add($"the gallery lists {gallery} of this run's {expected} jobs.");
        if (loaded.Errors > 0 || idle.Errors > 0)
            problems.Add($"{loaded.Errors + idle.Errors} page loads failed.");

        var timed = ends.Where(e => e.QueuedMs is not null && e.RunMs is not null).ToList();
        return new LoadTestReport(expected, ids.Count, completed,
            ends.GroupBy(e => e.State).ToDictionary(g => g.Key, g => g.Count()), duplicates, gallery,
            Figures.Of(submitLatency), Figures.Of(timed.Select(e => e.QueuedMs!.Value).ToList()),
            Figures.Of(timed.Select(e => e.RunMs!.Value).ToList()),
            idle.Figures, loaded.Figures, idle.Errors + loaded.Errors, wall, problems)
        {
            JobLatency = Figures.Of(timed.Select(e => e.QueuedMs!.Value + e.RunMs!.Value).ToList()),
            JobsPerWorker = ends.Where(e => e.Worker is not null).GroupBy(e => e.Worker!).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count()),
            Retried = ends.Count(e => e.Attempts > 1),
        };
    }

    /// <summary>One user: submits its jobs one after another, waiting politely when the server says it is busy.</summary>
    private async Task UserAsync(string run, int user, byte[]? audio, ConcurrentBag<double> latency, ConcurrentBag<string> ids,
        CancellationToken token)
    {
        var clientId = await IssueClientIdAsync(token);
        for (var job = 1; job <= options.JobsPerUser; job++)
        {
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/jobs") { Content = Form(run, user, job, audio) };
                request.Headers.Add("X-Client-Id", clientId);
                var clock = Stopwatch.StartNew();
                using var response = await http.SendAsync(request, token);
                latency.Add(clock.Elapsed.TotalMilliseconds);
                var body = await response.Content.ReadAsStringAsync(token);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    using var accepted = JsonDocument.Parse(body);
                    ids.Add(accepted.RootElement.GetProperty("jobId").GetString()!);
                    break;
                }

                if (response.StatusCode != HttpStatusCode.TooManyRequests)
                    throw new InvalidOperationException($"User {user} job {job}: HTTP {(int)response.StatusCode}: {body}");
                await Task.Delay(TimeSpan.FromSeconds(2), token);
            }
        }
    }

    /// <summary>A client id from the server, as every script must ask for one; refused ids are waited out like busy queues.</summary>
    private async Task<string> IssueClientIdAsync(CancellationToken token)
    {
        while (true)
        {
            using var response = await http.PostAsync("api/clients", null, token);
            var body = await response.Content.ReadAsStringAsync(token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var issued = JsonDocument.Parse(body);
                return issued.RootElement.GetProperty("clientId").GetString()!;
            }

            if (response.StatusCode != HttpStatusCode.TooManyRequests)
                throw new InvalidOperationException($"No client id issued: HTTP {(int)response.StatusCode}: {body}");
            await Task.Delay(TimeSpan.FromSeconds(2), token);
        }
    }

    private MultipartFormDataContent Form(string run, int user, int job, byte[]? audio)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent($"load {run} user {user} job {job}"), "prompt" },
        };
        // The same seeds in every run, so runs that differ in layout only draw the same images.
        form.Add(new StringContent((user * 1000 + job).ToString(System.Globalization.CultureInfo.InvariantCulture)), "seed");
        if (options.Steps is { } steps)
            form.Add(new StringContent(steps.ToString(System.Globalization.CultureInfo.InvariantCulture)), "steps");
        if (audio is not null)
        {
            var file = new ByteArrayContent(audio);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/wav");
            form.Add(file, "audio", "load-test.wav");
        }

        return form;
    }

    /// <summary>How a job ended; <see cref="Worker"/> and <see cref="Attempts"/> as the front end recorded them.</summary>
    private sealed record End(string State, double? QueuedMs, double? RunMs, string? Worker, int Attempts);

    private async Task<End> WaitAsync(string id, CancellationToken token)
    {
        while (true)
        {
            using var status = JsonDocument.Parse(await http.GetStringAsync($"api/jobs/{id}", token));
            var state = status.RootElement.GetProperty("state").GetString()!;
            if (Finished.Contains(state))
            {
                var root = status.RootElement;
                var timings = root.GetProperty("timings");
                var worker = root.TryGetProperty("worker", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
                var attempts = root.TryGetProperty("attempts", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt32() : 1;
                return timings.ValueKind == JsonValueKind.Object
                    ? new End(state, timings.GetProperty("queuedMs").GetDouble(), timings.GetProperty("runMs").GetDouble(), worker, attempts)
                    : new End(state, null, null, worker, attempts);
            }

            await Task.Delay(options.PollInterval, token);
        }
    }

    private async Task<int> GalleryCountAsync(string run, CancellationToken token)
    {
        using var page = JsonDocument.Parse(await http.GetStringAsync($"api/gallery?text={run}&take=1", token));
        return page.RootElement.GetProperty("total").GetInt32();
    }

    private sealed record Probe(Figures Figures, int Errors);

    private async Task<Probe> ProbeAsync(int rounds, CancellationToken token)
    {
        var latency = new List<double>();
        var errors = 0;
        for (var i = 0; i < rounds; i++)
            errors += await LoadPagesAsync(latency, token);
        return new Probe(Figures.Of(latency), errors);
    }

    private async Task<Probe> ProbeUntilAsync(CancellationToken stop)
    {
        var latency = new List<double>();
        var errors = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                errors += await LoadPagesAsync(latency, stop);
                await Task.Delay(options.ProbeInterval, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The jobs are done; so is the probe.
        }

        return new Probe(Figures.Of(latency), errors);
    }

    private async Task<int> LoadPagesAsync(List<double> latency, CancellationToken token)
    {
        var errors = 0;
        foreach (var page in new[] { "", "gallery" })
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(page, token);
            await response.Content.ReadAsByteArrayAsync(token);
            latency.Add(clock.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
                errors++;
        }

        return errors;
    }
}
