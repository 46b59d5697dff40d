using Bunit;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Generate;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class JobProgressPanelTests : ComponentTest
{
    private static JobStatus Job(JobState state, bool mine) =>
        FakeJobQueue.Job(Guid.NewGuid(), JobKind.Pair, state, new GenerationSettings { Prompt = "x" }, mine);

    [Theory]
    [InlineData(1, "Queued: next in line.")]
    [InlineData(3, "Queued: 3rd in line.")]
    [InlineData(12, "Queued: 12th in line.")]
    [InlineData(22, "Queued: 22nd in line.")]
    public void A_queued_job_shows_its_place(int position, string text)
    {
        var view = Render<JobProgressPanel>(p => p.Add(c => c.Job, Job(JobState.Queued, mine: true)).Add(c => c.Position, position));

        Assert.Equal(text, view.Find("[data-testid=job-state]").TextContent);
        Assert.NotNull(view.Find("[data-testid=cancel]"));
        Assert.Empty(view.FindAll("[data-testid=skip]"));
    }

    [Fact]
    public void A_job_that_waits_for_an_engine_worker_says_so()
    {
        var job = Job(JobState.Queued, mine: true) with { Waiting = "waiting for an engine worker" };

        var view = Render<JobProgressPanel>(p => p.Add(c => c.Job, job).Add(c => c.Position, 1));

        Assert.Equal("Queued: next in line, waiting for an engine worker.", view.Find("[data-testid=job-state]").TextContent);
    }

    [Theory]
    [InlineData("audio", "Running: step 3 of 10 (the image with the sound), about 7 s left (3 s so far).")]
    [InlineData("text-only", "Running: step 8 of 10 (the text-only image), about 2 s left (8 s so far).")]
    public void A_running_pair_says_which_image_it_draws(string phase, string text)
    {
        var job = Job(JobState.Running, mine: true) with { Kind = JobKind.Pair };
        var step = phase == "audio" ? 3 : 8;
        var progress = new ProgressEvent(job.Id, step, 10, 500, step * 1_000, (10 - step) * 1_000, null, phase);

        var view = Render<JobProgressPanel>(p => p.Add(c => c.Job, job).Add(c => c.Progress, progress));

        Assert.Equal(text, view.Find("[data-testid=job-state]").TextContent);
    }

    [Fact]
    public void A_running_job_shows_step_eta_and_preview_and_only_its_owner_may_skip()
    {
        var skipped = false;
        var job = Job(JobState.Running, mine: true) with { Kind = JobKind.TextOnly };
        var progress = new ProgressEvent(job.Id, 5, 10, 500, 5_000, 5_000, "/previews/x/5.png");
        var view = Render<JobProgressPanel>(p => p.Add(c => c.Job, job).Add(c => c.Progress, progress).Add(c => c.OnSkip, () => skipped = true));

        Assert.Equal("Running: step 5 of 10, about 5 s left (5 s so far).", view.Find("[data-testid=job-state]").TextContent);
        Assert.Equal("/previews/x/5.png", view.Find("[data-testid=preview]").GetAttribute("src"));
        view.Find("[data-testid=skip]").Click();
        Assert.True(skipped);

        var stranger = Render<JobProgressPanel>(p => p.Add(c => c.Job, Job(JobState.Running, mine: false)).Add(c => c.Progress, progress));
        Assert.Empty(stranger.FindAll("[data-testid=skip]"));
        Assert.Empty(stranger.FindAll("[data-testid=cancel]"));
    }
}
