using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Cli.Verbs;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Serving;

public sealed class WorkerKeysTests : IDisposable
{
    private readonly TempFolder _folder = new("worker-keys");

    [Fact]
    public void A_key_file_is_trimmed_utf8_of_at_least_32_bytes()
    {
        var good = _folder.File("good");
        File.WriteAllText(good, $"  {new string('k', 32)}\n");
        var shortKey = _folder.File("short");
        File.WriteAllText(shortKey, new string('k', 31) + "   \n");

        Assert.Equal(new string('k', 32), WorkerKeys.Read(good, "--key-file"));
        Assert.Equal($"--key-file '{shortKey}' holds a 31-byte key; a worker key needs at least 32 bytes.",
            Assert.Throws<InputException>(() => WorkerKeys.Read(shortKey, "--key-file")).Message);
        Assert.Contains("does not exist", WorkerKeys.Problem(_folder.File("none"), "Engine:WorkerKeyFile"));
    }

    [Fact]
    public void Only_the_exact_key_matches()
    {
        var key = new string('k', 40);

        Assert.Equal([true, false, false, false],
            [WorkerKeys.Matches(key, key), WorkerKeys.Matches(key, key + "x"), WorkerKeys.Matches(key, ""), WorkerKeys.Matches(key, null)]);
    }

    [Theory]
    [InlineData("ftp://host", "--server 'ftp://host' is not an http(s) address")]
    [InlineData("http://127.0.0.1:5080", null)]
    public void Serve_checks_its_server_address(string server, string? message)
    {
        var keyFile = _folder.File("key");
        File.WriteAllText(keyFile, new string('k', 40));

        var error = Record.Exception(() => ServeVerb.Parse("127.0.0.1:6379", server, keyFile, null, null, "auto", 0, 30));

        Assert.Equal(message, error?.Message);
    }

    [Theory]
    [InlineData("tpu", 0, 30, "--device 'tpu' must be auto, cpu or cuda")]
    [InlineData("cpu", -1, 30, "--threads must be between 0 and 256")]
    [InlineData("cpu", 1, -5, "--drain-seconds must be between 0 and 3600")]
    public void Serve_names_a_bad_option(string device, int threads, int drain, string message)
    {
        var keyFile = _folder.File("key");
        File.WriteAllText(keyFile, new string('k', 40));

        Assert.Equal(message, Assert.Throws<InputException>(() => ServeVerb.Parse("127.0.0.1:6379", "http://h:1", keyFile, "w", null, device, threads, drain)).Message);
    }

    [Fact]
    public void A_worker_is_named_after_its_host_and_process_by_default()
    {
        var keyFile = _folder.File("key");
        File.WriteAllText(keyFile, new string('k', 40));

        var options = ServeVerb.Parse("127.0.0.1:6379", "http://h:1", keyFile, null, null, "auto", 0, 30);

        Assert.Equal($"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}", options.Name);
        Assert.Equal((new Uri("http://h:1/"), TimeSpan.FromSeconds(30)), (options.Server, options.Drain));
    }

    public void Dispose() => _folder.Dispose();
}
