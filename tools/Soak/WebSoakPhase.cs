using System.Net;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.LoadTest;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Soak;

/// <summary>
/// The soak's web phase: the studio hosted in this process, simulated users queueing jobs with audio through its
/// HTTP API (<see cref="LoadTestRunner"/>, which checks that each completes once and shows in the gallery once).
/// The same <see cref="SoakPhase"/> as the engine phases watches the server's engine thread, read on that thread
/// after each job ends; a job whose image is one flat colour counts as non-finite, as a generation does.
/// </summary>
public sealed class WebSoakPhase(SoakOptions options)
{
    public async Task<WebSoakResult> RunAsync(TextWriter log, CancellationToken cancellationToken)
    {
        var users = Users(options.WebJobs);
        var jobsPerUser = options.WebJobs / users;
        var data = Directory.CreateTempSubdirectory("c2d-soak-web-");
        try
        {
            await using var server = new SoakServer(data.FullName, options.Threads, jobsPerUser);
            using var http = new HttpClient { BaseAddress = server.Serve(), Timeout = TimeSpan.FromMinutes(2) };
            log.WriteLine($"soak: web server on {http.BaseAddress}, data in {data.FullName}");
            await WaitHealthyAsync(http, cancellationToken);

            var engineThread = server.Services.GetRequiredService<EngineThread>();
            var phase = new SoakPhase("web", options.WebJobs);
            await engineThread.RunAsync(() => { phase.Begin(); return true; });
            var watch = new JobWatch(engineThread, phase, log);
            LoadTestReport report;
            using (server.Services.GetRequiredService<JobEventBus>().SubscribeAll(watch.OnEventAsync))
            {
                log.WriteLine($"soak: web {options.WebJobs} jobs with audio at {options.Plan.DenoisingSteps} steps, {users} users x {jobsPerUser}");
                var load = new LoadTestOptions
                {
                    Server = http.BaseAddress, Users = users, JobsPerUser = jobsPerUser, Steps = options.Plan.DenoisingSteps,
                    Pairs = true, Timeout = options.WebTimeout,
                };
                report = await new LoadTestRunner(http, load, log).RunAsync(cancellationToken);
                await watch.CountedAsync(report.EndStates.Values.Sum(), cancellationToken);
            }

            var blank = 0;
            foreach (var job in watch.CompletedImages)
                if (await AnyFlatAsync(http, job, cancellationToken))
                    blank++;
            var figures = await engineThread.RunAsync(() => phase.End(blank, watch.Ended).ToList());
            return new WebSoakResult(figures, report);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>Up to ten users, each queueing the same number of jobs.</summary>
    private static int Users(int jobs) => Enumerable.Range(1, Math.Min(10, jobs)).Last(users => jobs % users == 0);

    private static async Task WaitHealthyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var response = await http.GetAsync("health", cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
                return;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"the hosted server never became healthy: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<bool> AnyFlatAsync(HttpClient http, IReadOnlyList<string> imageUrls, CancellationToken cancellationToken)
    {
        foreach (var url in imageUrls)
        {
            var png = PngReader.Parse(await http.GetByteArrayAsync(url.TrimStart('/'), cancellationToken), url);
            if (FlatImage.IsFlat(png.DecodeRgb8()))
                return true;
        }

        return false;
    }

    /// <summary>
    /// Reads the engine thread's live tensors after each job ends: the read is queued on that thread when the job's
    /// end is published, so it runs after the job's work (and, at worst, after the next job's), never inside one.
    /// </summary>
    private sealed class JobWatch(EngineThread engineThread, SoakPhase phase, TextWriter log)
    {
        private readonly Lock _gate = new();
        private readonly List<Task> _reads = [];
        private readonly List<IReadOnlyList<string>> _completed = [];
        private int _ended;

        public int Ended => Volatile.Read(ref _ended);

        public IReadOnlyList<IReadOnlyList<string>> CompletedImages
        {
            get
            {
                lock (_gate)
                    return _completed.ToList();
            }
        }

        public Task OnEventAsync(JobEvent jobEvent)
        {
            if (jobEvent is not (CompletedEvent or FailedEvent))
                return Task.CompletedTask;
            lock (_gate)
            {
                if (jobEvent is CompletedEvent completed)
                    _completed.Add(completed.ImageUrls);
                // Runs on the engine thread, one read after another, so the count there needs no lock.
                _reads.Add(engineThread.RunAsync(() =>
                {
                    phase.UnitDone(Interlocked.Increment(ref _ended), log);
                    return true;
                }));
            }

            return Task.CompletedTask;
        }

        /// <summary>Waits until every ended job has been counted on the engine thread.</summary>
        public async Task CountedAsync(int ends, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task[] reads;
                lock (_gate)
                    reads = _reads.ToArray();
                await Task.WhenAll(reads);
                if (reads.Length >= ends)
                    return;
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}

/// <summary>The web phase's figures and the load test's own report (acceptance, gallery, latencies).</summary>
public sealed record WebSoakResult(IReadOnlyList<BenchFigure> Figures, LoadTestReport Load);
