using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>A job's outcome is recorded only for its current, running attempt, wherever the attempt ran.</summary>
public sealed class AttemptFencingTests : IDisposable
{
    private readonly TempFolder _data = new("fencing");
    private readonly TestGenerationBackend _backend = new();

    [Fact]
    public async Task A_result_or_an_end_of_another_attempt_changes_nothing()
    {
        await using var factory = await new StudioFactory(_data.Path, _backend).ReadyAsync();
        var client = factory.ClientFor("fencing-1");
        var job = await client.QueueAsync("a dog");
        var done = await client.WaitForAsync(job);
        Assert.Equal(("Completed", 1, "inprocess"), (done.GetProperty("state").GetString(), done.GetProperty("attempts").GetInt32(),
            done.GetProperty("worker").GetString()));
        var outcomes = factory.Services.GetRequiredService<JobOutcomes>();
        var late = new GenerationOutcome([1, 2, 3], null, 1, null, []);

        // Attempt 1 is over (the job completed); attempt 2 never started.
        var accepted = new[]
        {
            await outcomes.CompleteAsync(job, Clap2Diffusion.Client.Contracts.JobKind.TextOnly, 1, late, 5),
            await outcomes.CompleteAsync(job, Clap2Diffusion.Client.Contracts.JobKind.TextOnly, 2, late, 5),
            await outcomes.EndAsync(job, 1, Clap2Diffusion.Client.Contracts.JobState.Failed, "late", 5),
        };

        Assert.Equal([false, false, false], accepted);
        var after = await client.StatusAsync(job);
        Assert.Equal(("Completed", done.GetProperty("images").ToString()), (after.GetProperty("state").GetString(), after.GetProperty("images").ToString()));
    }

    public void Dispose() => _data.Dispose();
}
