using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Worlds;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Uploads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Examples;

/// <summary>
/// On the demo model, an empty database gets the showcase pairs (the prompts, sounds and seeds of
/// <c>demo showcase</c>) as queued jobs of a reserved owner, so a newcomer's gallery is never empty. The engine makes
/// them like any pair; they are marked as examples, and no visitor can own them (the owner id is not a valid client id).
/// </summary>
public sealed class ExampleGallerySeeder(EngineState engine, IDbContextFactory<StudioDbContext> contexts, UploadService uploads, JobStore store,
    QueueSignal signal, IOptions<ExampleOptions> options, ILogger<ExampleGallerySeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SeedExamples)
            return;
        while (!engine.DatabaseReady || engine.Status.Info is null)
            await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        var info = engine.Status.Info;
        if (!ExampleLibrary.IsDemoModel(info))
            return;
        await using (var db = await contexts.CreateDbContextAsync(stoppingToken))
        {
            if (await db.Jobs.AnyAsync(stoppingToken))
                return;
        }

        var world = SyntheticWorlds.BuiltIn;
        foreach (var (item, index) in world.Showcase.Select((c, i) => (c, i)))
        {
            var clip = await uploads.SaveAsync(ExampleOwner.Id, WavWriter.Encode(item.Synthesize(), world.SampleRate), $"showcase-{index + 1}.wav", stoppingToken);
            var settings = info.Defaults with { Prompt = item.Prompt, Seed = item.Seed, Steps = world.ShowcaseSteps };
            await store.AddAsync(new JobEntity
            {
                Id = Guid.NewGuid(),
                OwnerId = ExampleOwner.Id,
                Kind = JobKind.Pair,
                State = JobState.Queued,
                SettingsJson = JobMapper.Serialize(settings),
                Prompt = settings.Prompt,
                Seed = item.Seed,
                UploadId = clip.Id,
                CreatedAt = DateTime.UtcNow,
            }, stoppingToken);
        }

        signal.Notify();
        logger.LogInformation("The gallery was empty: {Count} showcase pairs queued as examples (Studio:SeedExamples)", world.Showcase.Count);
    }
}
