using System.Diagnostics;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using StackExchange.Redis;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// An engine worker: says hello to the front end, loads its model set once, announces it, then takes jobs from the
/// work stream one at a time and runs them on this (the engine) thread, streaming steps and returning images. Its
/// heartbeats and its lease renewals run on other threads. A stop request (SIGTERM) drains: no new jobs, the running
/// one may finish within the drain time, else it is handed back uncounted.
/// </summary>
public sealed class WorkerHost(ServeOptions options, TextWriter log)
{
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _drain = new();
    private readonly CancellationTokenSource _hardStop = new();
    private volatile string _state = WorkerStates.Loading;
    // Read by the heartbeat thread: a reference, so it is never seen half-written.
    private volatile StreamEntry? _current;
    // The running job's cancellation, which the heartbeat thread triggers when the front end says the job moved on.
    private volatile CancellationTokenSource? _running;
    private volatile bool _jobLost;
    private volatile ModelOrder? _order;
    private volatile bool _paused;
    private volatile string? _modelError;
    // What this worker announced last, for a hello again after the front end forgot it.
    private volatile Tuple<EngineDescription, long>? _announced;
    // The training order the front end gave this worker, and the one it trains now (read by the heartbeat thread).
    private volatile TrainingOrder? _training;
    private volatile WorkerTraining? _trainingNow;
    private volatile EvaluationOrder? _evaluation;
    private volatile WorkerEvaluation? _evaluationNow;
    private readonly HashSet<(Guid Run, int Shard, int Attempt)> _evaluated = [];
    private readonly HashSet<(Guid Run, int Attempt)> _trained = [];

    public static string Version { get; } =
        typeof(WorkerHost).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>Asks the worker to drain and stop; a running job gets the drain time, then is handed back.</summary>
    public void RequestStop()
    {
        if (_drain.IsCancellationRequested)
            return;
        _state = WorkerStates.Draining;
        log.WriteLine($"serve: draining: no new jobs; a running job has {options.Drain.TotalSeconds:0} s to finish");
        _drain.Cancel();
        _hardStop.CancelAfter(options.Drain);
    }

    /// <summary>Runs until drained. Start-up problems (key, name, Redis, front end) are <see cref="InputException"/>s.</summary>
    public int Run()
    {
        using var redis = Connect();
        using var client = new FrontEndClient(options.Server, options.Key);
        var target = ComputeTarget.Resolve(new DeviceSettings { Device = options.Device, Threads = options.Threads });
        var hello = new WorkerHello(options.Name, Version, target.ToString(), options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            options.SharedRoots.Select(Path.GetFullPath).ToList());
        var welcome = Call(() => client.HelloAsync(hello, CancellationToken.None), "say hello to");
        Follow(welcome.Models, welcome.Paused);
        log.WriteLine($"serve: {options.Name} known to {options.Server} (lease {welcome.LeaseSeconds} s); loading the models");

        using var heartbeats = new CancellationTokenSource();
        var heartbeat = Task.Run(() => HeartbeatAsync(client, hello, TimeSpan.FromSeconds(welcome.LeaseSeconds) / 3, heartbeats.Token));
        var models = new WorkerModels(options, target, welcome.ContradictoryStrength, log);
        try
        {
            models.LoadFirst(_order);
            _modelError = models.Error;
            Announce(client, models);
            log.WriteLine($"serve: ready: {models.Engine.ModelName} on {models.Engine.Device}, model set {models.Engine.ModelSet}");

            WorkerStream? stream = null;
            while (!_drain.IsCancellationRequested)
            {
                if (_order is { } order && models.ShouldTry(order))
                {
                    // Between jobs: an admin switched the active set. Not idle while loading, so nothing is released to this worker.
                    _state = WorkerStates.Loading;
                    models.Switch(order);
                    _modelError = models.Error;
                    Announce(client, models);
                }

                if (_training is { } training && _trained.Add((training.RunId, training.Attempt)))
                {
                    Train(client, models, target, training);
                    continue;
                }

                if (_evaluation is { } shard && _evaluated.Add((shard.RunId, shard.Shard, shard.Attempt)))
                {
                    Evaluate(client, models, target, welcome, shard);
                    continue;
                }

                if (_paused)
                {
                    _state = WorkerStates.Paused;
                    _drain.Token.WaitHandle.WaitOne(Idle);
                    continue;
                }

                _state = WorkerStates.Idle;
                if (stream?.ModelSet != models.Engine.ModelSet)
                    stream = new WorkerStream(redis.GetDatabase(), options.Name, TimeSpan.FromSeconds(welcome.LeaseSeconds), models.Engine.ModelSet);
                var entry = TryTake(stream);
                if (entry is null)
                {
                    _drain.Token.WaitHandle.WaitOne(Idle);
                    continue;
                }

                Serve(client, stream, models.Pipeline, welcome, entry);
            }
        }
        finally
        {
            heartbeats.Cancel();
            heartbeat.Wait();
            models.Dispose();
            try
            {
                client.GoodbyeAsync(options.Name, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // The front end forgets a silent worker after the lease anyway.
            }
        }

        log.WriteLine("serve: stopped");
        return 0;
    }

    /// <summary>A training order, on this (the engine) thread.</summary>
    private void Train(FrontEndClient client, WorkerModels models, ComputeTarget target, TrainingOrder order)
    {
        using var cancellation = new CancellationTokenSource();
        var training = new WorkerTraining(client, options.Name, order, cancellation, log);
        RunWork(client, models, order.RunId, $"run {order.RunId:N} attempt {order.Attempt}",
            $"training{(order.Settings.ResumeFrom is { } from ? $", resuming from {from}" : "")}", () =>
            {
                _trainingNow = training;
                try
                {
                    return training.Run(models.Set, target, _hardStop.Token);
                }
                finally
                {
                    _trainingNow = null;
                }
            });
    }

    /// <summary>A shard of an evaluation run, on this (the engine) thread.</summary>
    private void Evaluate(FrontEndClient client, WorkerModels models, ComputeTarget target, WorkerWelcome welcome, EvaluationOrder order)
    {
        using var cancellation = new CancellationTokenSource();
        var evaluation = new WorkerEvaluation(client, options.Name, order, cancellation, welcome.ContradictoryStrength, log);
        RunWork(client, models, order.RunId, $"run {order.RunId:N} shard {order.Shard}/{order.Shards} attempt {order.Attempt}", "evaluating", () =>
        {
            _evaluationNow = evaluation;
            try
            {
                return evaluation.Run(models.Set, target, _hardStop.Token);
            }
            finally
            {
                _evaluationNow = null;
            }
        });
    }

    /// <summary>
    /// A piece of a run: busy meanwhile, the pipeline released (the run loads its own models, and two copies may not
    /// fit a GPU) and loaded again after; its result, unless the run was lost, told to the front end.
    /// </summary>
    private void RunWork(FrontEndClient client, WorkerModels models, Guid runId, string what, string doing, Func<WorkerRunResult?> run)
    {
        _state = WorkerStates.Busy;
        log.WriteLine($"serve: {what}: {doing}");
        WorkerRunResult? result;
        try
        {
            models.Release();
            result = run();
        }
        finally
        {
            models.Restore();
        }

        if (result is null)
            return;
        var receipt = Retry(() => client.RunResultAsync(runId, result, CancellationToken.None), "return a run's result");
        log.WriteLine($"serve: {what} {result.Outcome}{(result.Shard is null ? $" at step {result.Step}" : "")}" +
            (receipt is { Accepted: true } ? "" : $", discarded by the front end: {receipt?.Reason ?? "it forgot this worker"}"));
    }

    /// <summary>Takes the front end's model order and pause flag (from the welcome or a heartbeat's reply).</summary>
    private void Follow(ModelOrder? order, bool paused)
    {
        _order = order;
        _paused = paused;
    }

    private void Announce(FrontEndClient client, WorkerModels models)
    {
        _announced = Tuple.Create(models.Engine, models.Generation);
        Call(() => client.ReadyAsync(options.Name, models.Engine, models.Generation, CancellationToken.None), "announce itself to");
        if (_drain.IsCancellationRequested)
            _state = WorkerStates.Draining;
    }

    private StreamEntry? TryTake(WorkerStream stream)
    {
        try
        {
            return stream.TakeAsync().GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            log.WriteLine($"serve: Redis unreachable ({exception.Message}); trying again");
            _drain.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            return null;
        }
    }

    /// <summary>One entry: ask whether it is still to run, run it, report it, acknowledge it.</summary>
    private void Serve(FrontEndClient client, WorkerStream stream, ClapDiffusionPipeline pipeline, WorkerWelcome welcome, StreamEntry entry)
    {
        try
        {
            RunEntry(client, stream, pipeline, welcome, entry);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            // The front end refused or stayed away: it releases the job again once it sees the entry gone and no worker on it.
            log.WriteLine($"serve: job {entry.Job:N}: the front end could not be told ({exception.Message}); leaving it to the front end");
            Acknowledge(stream, entry);
        }
        finally
        {
            _current = null;
            if (!_drain.IsCancellationRequested)
                _state = WorkerStates.Idle;
        }
    }

    private void RunEntry(FrontEndClient client, WorkerStream stream, ClapDiffusionPipeline pipeline, WorkerWelcome welcome, StreamEntry entry)
    {
        // Busy from the moment the entry is taken, so no heartbeat tells the front end this worker is free for another.
        _current = entry;
        _state = _drain.IsCancellationRequested ? WorkerStates.Draining : WorkerStates.Busy;
        var ticket = Retry(() => client.StartAsync(options.Name, entry.Job, entry.Dispatch, entry.Id, CancellationToken.None), "start a job");
        if (ticket is null || !ticket.Run)
        {
            log.WriteLine($"serve: job {entry.Job:N} dropped: {ticket?.Reason ?? "the front end forgot this worker"}");
            Acknowledge(stream, entry);
            return;
        }

        log.WriteLine($"serve: job {entry.Job:N} attempt {ticket.Attempt} started");
        var result = Execute(client, stream, pipeline, welcome, entry, ticket);
        if (result is not null)
        {
            var receipt = Retry(() => client.ResultAsync(entry.Job, result, CancellationToken.None), "return a result");
            log.WriteLine($"serve: job {entry.Job:N} attempt {ticket.Attempt} {result.Outcome}" +
                (receipt is { Accepted: true } ? "" : $", discarded by the front end: {receipt?.Reason ?? "it forgot this worker"}"));
        }

        Acknowledge(stream, entry);
    }

    /// <summary>Runs the job; null when it was handed back (drain) or lost (another worker took the lease).</summary>
    private WorkerResult? Execute(FrontEndClient client, WorkerStream stream, ClapDiffusionPipeline pipeline, WorkerWelcome welcome, StreamEntry entry,
        JobTicket ticket)
    {
        var clock = Stopwatch.StartNew();
        var loraFolder = Directory.CreateTempSubdirectory("c2d-worker-loras-");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_hardStop.Token);
        _jobLost = false;
        _running = cancellation;
        var keeper = new LeaseKeeper(stream, entry, TimeSpan.FromSeconds(welcome.LeaseSeconds), cancellation, log);
        var progress = new ProgressSender(client, log);
        try
        {
            var inputs = ReadInputs(client, entry.Job, ticket, loraFolder.FullName, clock);
            var previews = new PreviewThrottle(welcome.PreviewInterval);
            var outcome = JobExecution.Run(pipeline, inputs, step =>
            {
                var png = previews.Due(step.Step == step.TotalSteps) ? PreviewPng.Render(step, welcome.BlurPreviews) : null;
                progress.Send(entry.Job, new WorkerProgress(options.Name, "", ticket.Attempt, step.Step, step.TotalSteps, (int)Math.Round(step.Timestep),
                    (long)step.Elapsed.TotalMilliseconds, step.Phase.Name(), png));
            }, cancellation.Token);
            return new WorkerResult(options.Name, "", ticket.Attempt, WorkerOutcomes.Completed, null, clock.Elapsed.TotalMilliseconds, outcome.TextOnlyPng,
                outcome.AudioConditionedPng, outcome.Seed, outcome.Relation, outcome.Stages, outcome.TextOnlyFlagged, outcome.AudioConditionedFlagged);
        }
        catch (OperationCanceledException) when (keeper.SkipRequested)
        {
            return Ended(ticket, WorkerOutcomes.Skipped, "Skipped by its owner.", clock);
        }
        catch (OperationCanceledException) when (keeper.LeaseLost || _jobLost)
        {
            log.WriteLine($"serve: job {entry.Job:N} attempt {ticket.Attempt} stopped: another worker took it over");
            return null;
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            var handedBack = Retry(() => client.HandBackAsync(options.Name, entry.Job, ticket.Attempt, CancellationToken.None), "hand back a job");
            log.WriteLine($"serve: job {entry.Job:N} not finished within the drain time: " + (handedBack ? "handed back" : "the front end had moved on"));
            return null;
        }
        catch (InputException exception)
        {
            return Ended(ticket, WorkerOutcomes.Failed, exception.Message, clock);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            log.WriteLine($"serve: job {entry.Job:N} failed: {exception}");
            return Ended(ticket, WorkerOutcomes.Failed, $"The engine worker {options.Name} failed on this job: {exception.Message}", clock);
        }
        finally
        {
            _running = null;
            keeper.DisposeAsync().AsTask().GetAwaiter().GetResult();
            progress.DisposeAsync().AsTask().GetAwaiter().GetResult();
            loraFolder.Delete(recursive: true);
        }
    }

    private WorkerResult Ended(JobTicket ticket, string outcome, string error, Stopwatch clock) =>
        new(options.Name, "", ticket.Attempt, outcome, error, clock.Elapsed.TotalMilliseconds, null, null, ticket.Settings?.Seed ?? 0, null, [], false, false);

    /// <summary>The job's inputs over HTTP: the clip, the picture to edit and the LoRA files (kept for this job only).</summary>
    private JobInputs ReadInputs(FrontEndClient client, Guid job, JobTicket ticket, string loraFolder, Stopwatch clock)
    {
        var settings = ticket.Settings ?? throw new InvalidDataException("the front end's ticket has no settings");
        var name = ticket.AudioName ?? "clip.wav";
        var audio = ticket.Pair ? AudioDecoder.Decode(Fetch(client, job, "audio"), name) : null;
        var image = ticket.InitImage ? EditImage.Decode(Fetch(client, job, "init-image")) : null;
        var loras = new Dictionary<string, string>();
        foreach (var lora in ticket.Loras)
        {
            var path = Path.Combine(loraFolder, $"{loras.Count}.safetensors");
            File.WriteAllBytes(path, Fetch(client, job, $"loras/{Uri.EscapeDataString(lora)}"));
            loras[lora] = path;
        }

        return new JobInputs(settings, audio, name, image, loras, clock.Elapsed);
    }

    private byte[] Fetch(FrontEndClient client, Guid job, string input) =>
        client.InputAsync(options.Name, job, input, CancellationToken.None).GetAwaiter().GetResult();

    private void Acknowledge(WorkerStream stream, StreamEntry entry)
    {
        try
        {
            stream.AcknowledgeAsync(entry).GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The front end has the outcome; a leftover entry is refused at its next claim (the job is no longer to run).
            log.WriteLine($"serve: job {entry.Job:N}: could not acknowledge its entry ({exception.Message})");
        }
    }

    private async Task HeartbeatAsync(FrontEndClient client, WorkerHello hello, TimeSpan every, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var current = _current;
                var training = _trainingNow;
                var evaluation = _evaluationNow;
                var reply = await client.HeartbeatAsync(options.Name, _state, current?.Job, _modelError,
                    training?.Order.RunId ?? evaluation?.Order.RunId, stop);
                if (reply is not null)
                {
                    Follow(reply.Models, reply.Paused);
                    _training = reply.Training;
                    _evaluation = reply.Evaluation;
                    if (reply.RunLost && training is not null && _trainingNow == training)
                        training.Abandon();
                    if (reply.RunLost && evaluation is not null && _evaluationNow == evaluation)
                        evaluation.Abandon();
                }
                if (reply is { JobLost: true } && _running is { } running && _current == current)
                {
                    log.WriteLine($"serve: job {current!.Job:N}: the front end says another worker took it over (this one stalled past the lease)");
                    _jobLost = true;
                    await running.CancelAsync();
                }

                if (reply is null)
                {
                    // The front end restarted and forgot this worker: introduce it again.
                    var welcome = await client.HelloAsync(hello, stop);
                    Follow(welcome.Models, welcome.Paused);
                    if (_announced is { } announced)
                        await client.ReadyAsync(options.Name, announced.Item1, announced.Item2, stop);
                    log.WriteLine("serve: the front end had forgotten this worker; said hello again");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InputException or ObjectDisposedException
                && !stop.IsCancellationRequested)
            {
                log.WriteLine($"serve: heartbeat failed ({exception.Message})");
            }

            try
            {
                await Task.Delay(every, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private ConnectionMultiplexer Connect()
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(options.Redis);
        }
        catch (ArgumentException exception)
        {
            throw new InputException($"--redis '{options.Redis}' is not a StackExchange.Redis configuration string: {exception.Message}");
        }

        configuration.AbortOnConnectFail = true;
        configuration.ConnectTimeout = 5000;
        configuration.ClientName = $"c2d-worker-{options.Name}";
        try
        {
            return ConnectionMultiplexer.Connect(configuration);
        }
        catch (RedisConnectionException exception)
        {
            throw new InputException($"cannot reach Redis at {options.Redis}: {exception.Message.Split('\n')[0]}");
        }
    }

    /// <summary>A start-up call to the front end; unreachable is a one-line <see cref="InputException"/>.</summary>
    private T Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return call().GetAwaiter().GetResult();
        }
        catch (HttpRequestException exception) when (exception.StatusCode is null)
        {
            throw new InputException($"cannot {what} the front end at {options.Server}: {exception.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new InputException($"the front end at {options.Server} did not answer in time");
        }
    }

    private T Retry<T>(Func<Task<T>> call, string what) => WorkerCalls.Retry(call, what, log);
}
