using System.CommandLine;
using System.Runtime.InteropServices;
using Clap2Diffusion.Engine.Serving;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>serve --redis CONFIG --server URL --key-file FILE</c>: runs this process as an engine worker of a front end in
/// remote mode (docs/decisions/0023-engine-workers.md). A wrong key, a name already live, an unreachable Redis or
/// front end, or a bad option is one line on stderr and exit 2; SIGTERM drains and exits 0.
/// </summary>
public static class ServeVerb
{
    public static Command Create(CliContext cli)
    {
        var redis = new Option<string>("--redis") { Description = "the workers' Redis, as a StackExchange.Redis configuration string (127.0.0.1:6379,password=...)", Required = true };
        var server = new Option<string>("--server") { Description = "the front end's address (http://host:5080)", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "a file with the workers' key (the front end's Engine:WorkerKeyFile)", Required = true };
        var name = new Option<string?>("--name") { Description = "this worker's name (default: <hostname>-<pid>)" };
        var model = new Option<string?>("--model") { Description = "diffusers model folder (default: the embedded demo model)" };
        var clap = new Option<string?>("--clap") { Description = "CLAP folder (default: the model's clap/)" };
        var adapters = new Option<string?>("--adapters") { Description = "V4 adapter folder or training checkpoint (default: the model's adapters/)" };
        var sharedRoots = new Option<string[]>("--shared-root")
        {
            Description = "a folder this worker reads and writes at the same path as the front end (datasets, run folders); repeat for several",
            DefaultValueFactory = _ => [],
        };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads (0: its default)", DefaultValueFactory = _ => 0 };
        var drain = new Option<int>("--drain-seconds") { Description = "on SIGTERM, how long a running job may take before it is handed back", DefaultValueFactory = _ => 30 };
        var command = new Command("serve", "Run as an engine worker: take the front end's jobs from Redis and return their images.")
        {
            redis, server, keyFile, name, model, clap, adapters, sharedRoots, device, threads, drain,
        };
        command.SetAction(result => VerbAction.Guard(cli, () =>
        {
            var options = Parse(result.GetValue(redis)!, result.GetValue(server)!, result.GetValue(keyFile)!, result.GetValue(name), result.GetValue(model),
                result.GetValue(device)!, result.GetValue(threads), result.GetValue(drain), result.GetValue(clap), result.GetValue(adapters))
                with { SharedRoots = SharedRoots(result.GetValue(sharedRoots) ?? []) };
            var host = new WorkerHost(options, cli.Error);
            // SIGTERM (systemd, Slurm, docker stop) and Ctrl+C drain instead of killing the job mid-step.
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Drain);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Drain);
            return host.Run();

            void Drain(PosixSignalContext context)
            {
                context.Cancel = true;
                host.RequestStop();
            }
        }));
        return command;
    }

    /// <summary>The shared roots as full paths; <see cref="InputException"/> for one that does not exist.</summary>
    public static IReadOnlyList<string> SharedRoots(IEnumerable<string> roots) =>
        roots.Select(root => Directory.Exists(root) ? Path.GetFullPath(root) : throw new InputException($"--shared-root '{root}' does not exist")).ToList();

    /// <summary>The checked options; <see cref="InputException"/> naming the option when one is wrong.</summary>
    public static ServeOptions Parse(string redis, string server, string keyFile, string? name, string? model, string device, int threads, int drainSeconds,
        string? clap = null, string? adapters = null)
    {
        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            throw new InputException($"--server '{server}' is not an http(s) address");
        if (string.IsNullOrWhiteSpace(redis))
            throw new InputException("--redis is empty; give a Redis configuration string such as 127.0.0.1:6379");
        if (name is not null && (name.Length is 0 or > 64 || name.Any(char.IsControl)))
            throw new InputException("--name must have 1 to 64 printable characters");
        if (device is not ("auto" or "cpu" or "cuda"))
            throw new InputException($"--device '{device}' must be auto, cpu or cuda");
        if (threads is < 0 or > 256)
            throw new InputException("--threads must be between 0 and 256");
        if (drainSeconds is < 0 or > 3600)
            throw new InputException("--drain-seconds must be between 0 and 3600");
        if (model is not null && !Directory.Exists(model))
            throw new InputException($"--model '{model}' does not exist");
        if (clap is not null && !Directory.Exists(clap))
            throw new InputException($"--clap '{clap}' does not exist");
        if (adapters is not null && !Directory.Exists(adapters))
            throw new InputException($"--adapters '{adapters}' does not exist");
        var key = WorkerKeys.Read(keyFile, "--key-file");
        return new ServeOptions(redis, address, key, name ?? ServeOptions.DefaultName, model, device, threads, TimeSpan.FromSeconds(drainSeconds),
            clap, adapters is null ? null : Training.AdapterTrainer.CheckpointAdapters(adapters) ?? adapters);
    }
}
