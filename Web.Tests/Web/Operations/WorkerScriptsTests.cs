using System.Diagnostics;
using System.Runtime.Versioning;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Operations;

/// <summary>
/// The operations scripts for engine workers, checked without systemd or Slurm: syntax, shellcheck, the unit as
/// systemd reads it, and the batch script's one-worker-per-GPU start and SIGTERM forwarding with a stand-in for dotnet.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class WorkerScriptsTests
{
    private static readonly string Scripts = Path.Combine(SharedData.RepositoryRoot, "scripts");
    private static readonly string Sbatch = Path.Combine(Scripts, "slurm", "clap2diffusion-workers.sbatch");

    [Theory]
    [InlineData("slurm/clap2diffusion-workers.sbatch")]
    [InlineData("load-test.sh")]
    public async Task Shell_scripts_parse_and_pass_shellcheck(string script)
    {
        var path = Path.Combine(Scripts, script);
        Assert.Equal((0, ""), await RunAsync("bash", ["-n", path]));
        Assert.True(File.Exists("/usr/bin/shellcheck"), "apt-get install shellcheck (scripts/test.sh does)");
        Assert.Equal((0, ""), await RunAsync("shellcheck", [path]));
    }

    [Fact]
    public async Task The_systemd_unit_has_no_key_systemd_would_ignore()
    {
        Assert.True(File.Exists("/usr/bin/systemd-analyze"), "apt-get install systemd (scripts/test.sh does)");
        // An instance of the template, so %i and %H are expanded as for a real worker; verify prints every
        // unknown key or unparsable value, and is otherwise silent.
        var unit = Path.Combine(Scripts, "systemd", "clap2diffusion-worker@gpu0.service");

        Assert.Equal((0, ""), await RunAsync("systemd-analyze", ["verify", unit]));
    }

    [Fact]
    public async Task The_batch_script_starts_one_worker_per_allocated_gpu_and_forwards_sigterm_to_all()
    {
        using var folder = new TempFolder("sbatch");
        Directory.CreateDirectory(Path.Combine(folder.Path, "engine"));
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "engine", "Web.Engine.dll"), "");
        var log = Path.Combine(folder.Path, "workers.log");
        var fakeDotnet = Path.Combine(folder.Path, "dotnet");
        // A worker in miniature: says how it was started, drains on SIGTERM by saying so and exiting 0.
        await File.WriteAllTextAsync(fakeDotnet, """
            #!/usr/bin/env bash
            echo "start gpu=$CUDA_VISIBLE_DEVICES $*" >> "$FAKE_LOG"
            trap 'echo "term gpu=$CUDA_VISIBLE_DEVICES" >> "$FAKE_LOG"; exit 0' TERM
            while true; do sleep 0.05; done
            """);
        File.SetUnixFileMode(fakeDotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Sbatch, "--server", "http://frontend:5080", "--key-file", "/etc/c2d/worker.key", "--redis", "frontend:6379",
                     "--engine", Path.Combine(folder.Path, "engine")])
            start.ArgumentList.Add(argument);
        start.Environment["CUDA_VISIBLE_DEVICES"] = "3,5";
        start.Environment["SLURM_JOB_ID"] = "42";
        start.Environment["SLURM_CPUS_PER_TASK"] = "8";
        start.Environment["C2D_DOTNET"] = fakeDotnet;
        start.Environment["FAKE_LOG"] = log;
        using var batch = Process.Start(start)!;
        await StudioApi.WaitUntilAsync(() => File.Exists(log) && File.ReadAllLines(log).Length == 2, "both workers started", 10);

        using (var term = Process.Start("kill", ["-TERM", batch.Id.ToString()]))
            await term.WaitForExitAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await batch.WaitForExitAsync(bound.Token);

        var lines = (await File.ReadAllLinesAsync(log)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(0, batch.ExitCode);
        Assert.Equal(
        [
            $"start gpu=3 {Path.Combine(folder.Path, "engine", "Web.Engine.dll")} serve --redis frontend:6379 --server http://frontend:5080 " +
            "--key-file /etc/c2d/worker.key --name slurm-42-gpu0 --device cuda --threads 4 --drain-seconds 30",
            $"start gpu=5 {Path.Combine(folder.Path, "engine", "Web.Engine.dll")} serve --redis frontend:6379 --server http://frontend:5080 " +
            "--key-file /etc/c2d/worker.key --name slurm-42-gpu1 --device cuda --threads 4 --drain-seconds 30",
            "term gpu=3",
            "term gpu=5",
        ], lines);
    }

    [Fact]
    public async Task The_batch_script_refuses_to_start_without_gpus()
    {
        using var folder = new TempFolder("sbatch");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "Web.Engine.dll"), "");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Sbatch, "--server", "http://frontend:5080", "--key-file", "/k", "--redis", "r:6379", "--engine", folder.Path])
            start.ArgumentList.Add(argument);
        start.Environment.Remove("CUDA_VISIBLE_DEVICES");
        using var batch = Process.Start(start)!;
        var error = await batch.StandardError.ReadToEndAsync();
        await batch.WaitForExitAsync();

        Assert.Equal((2, "No GPU allocated: submit with --gres=gpu:N."), (batch.ExitCode, error.Trim()));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(bound.Token);
        return (process.ExitCode, (await output + await error).Trim());
    }
}
