using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Server.Examples;

/// <summary>
/// Prepares the active model's examples once the engine has described it, so the first studio page does not wait
/// for the demo world to synthesise its sounds.
/// </summary>
public sealed class ExampleWarmUp(EngineState engine, ExampleLibrary library, ILogger<ExampleWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (engine.Status.Info is null)
            await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var examples = await Task.Run(() => library.Prepare(), stoppingToken);
        logger.LogInformation("{Count} example sounds ready in {Seconds:0.0} s", examples.Sounds.Count, clock.Elapsed.TotalSeconds);
    }
}
