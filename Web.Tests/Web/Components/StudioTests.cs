using Bunit;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Generate;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class StudioTests : ComponentTest
{
    private static readonly AudioClip Clip = new(Guid.NewGuid(), "rain.wav", "/media/r.wav", 2, 48_000, 1, 192_044);

    [Fact]
    public void The_words_the_demo_model_knows_are_shown_and_a_click_adds_one()
    {
        var studio = Render<Studio>();

        var words = studio.Find("[data-testid=known-words]");
        Assert.Contains("dog", words.TextContent);
        words.QuerySelectorAll(".mud-chip").First(c => c.TextContent.Contains("rain")).Click();

        Assert.Equal("rain", studio.Find("textarea[data-testid=prompt]").GetAttribute("value") ?? studio.Find("textarea[data-testid=prompt]").TextContent);
    }

    [Fact]
    public void The_page_says_plainly_when_the_safety_checker_is_off()
    {
        Assert.NotNull(Render<Studio>().Find("[data-testid=safety-off]"));

        Queue.Status = Queue.Status with { Info = FakeJobQueue.Engine(safety: true) };
        Assert.Empty(Render<Studio>().FindAll("[data-testid=safety-off]"));
    }

    [Fact]
    public void Without_an_engine_the_page_explains_and_nothing_can_be_submitted()
    {
        Queue.Status = new EngineStatus(false, "No generation backend is registered.", null, "1.0", 60);
        var studio = Render<Studio>();

        Assert.Contains("No generation backend is registered.", studio.Find("[data-testid=engine-unavailable]").TextContent);
        Assert.True(studio.Find("[data-testid=generate-text]").HasAttribute("disabled"));
        Assert.True(studio.Find("[data-testid=generate-pair]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_pair_needs_a_sound_and_problems_are_shown_before_submitting()
    {
        var studio = Render<Studio>();
        Assert.True(studio.Find("[data-testid=generate-pair]").HasAttribute("disabled"));

        studio.Find("[data-testid=generate-text]").Click();

        Assert.Contains("Write a prompt", studio.Find("[data-testid=submit-problems]").TextContent);
        Assert.Empty(Queue.Submitted);
    }

    [Fact]
    public void The_queues_refusal_is_shown_in_its_own_words()
    {
        Queue.Answer = _ => SubmitResult.Refused(SubmitProblem.TooManyQueued, "You already have 5 jobs waiting or running.");
        var studio = Render<Studio>();
        studio.Find("textarea[data-testid=prompt]").Input("a dog");

        studio.Find("[data-testid=generate-text]").Click();

        Assert.Contains("You already have 5 jobs waiting", studio.Find("[data-testid=submit-problems]").TextContent);
    }

    [Fact]
    public void The_estimate_is_shown_before_submitting()
    {
        var studio = Render<Studio>();

        studio.WaitForAssertion(() =>
            Assert.Equal("Estimated run time: about 10 s, after 2 job(s) ahead (about 30 s).", studio.Find("[data-testid=estimate]").TextContent));
    }

    [Fact]
    public async Task A_pair_streams_its_previews_then_shows_the_result_and_unsubscribes_on_dispose()
    {
        var studio = Render<Studio>();
        await studio.InvokeAsync(() => SetClipAsync(studio));
        studio.Find("textarea[data-testid=prompt]").Input("a dog in the rain");
        studio.Find("[data-testid=generate-pair]").Click();

        var request = Assert.Single(Queue.Submitted);
        Assert.Equal((JobKind.Pair, Clip.Id, "a dog in the rain"), (request.Kind, request.AudioUploadId!.Value, request.Settings.Prompt));
        var id = Queue.Jobs.Keys.Single();
        Assert.Equal(1, Events.Subscribers(id));
        Assert.Equal("Queued: 3rd in line.", studio.Find("[data-testid=job-state]").TextContent);

        await Events.PublishAsync(new ProgressEvent(id, 1, 20, 950, 100, 1900, $"/previews/{id:N}/1.png"));
        studio.WaitForAssertion(() => Assert.EndsWith("/1.png", studio.Find("[data-testid=preview]").GetAttribute("src")));
        await Task.Delay(Studio.RenderInterval * 2);
        await Events.PublishAsync(new ProgressEvent(id, 9, 20, 500, 900, 1100, $"/previews/{id:N}/9.png"));
        studio.WaitForAssertion(() => Assert.EndsWith("/9.png", studio.Find("[data-testid=preview]").GetAttribute("src")));
        Assert.Contains("step 9 of 20", studio.Find("[data-testid=job-state]").TextContent);

        Queue.Jobs[id] = Queue.Jobs[id] with
        {
            State = JobState.Completed,
            Images = new JobImages("/media/t.png", "/media/a.png"),
            Relation = PromptAudioRelation.Complementary,
        };
        await Events.PublishAsync(new CompletedEvent(id, ["/media/t.png", "/media/a.png"], "complementary"));
        studio.WaitForAssertion(() => Assert.Equal("complementary", studio.Find("[data-testid=relation]").TextContent));
        Assert.Contains("Seed 77", studio.Find("[data-testid=result-facts]").TextContent);
        Assert.NotNull(studio.Find("[data-testid=save-rating]"));

        await DisposeComponentsAsync();
        Assert.Equal(0, Events.Subscribers(id));
    }

    [Fact]
    public void Reusing_a_gallery_item_starts_from_its_settings()
    {
        var id = Guid.NewGuid();
        var settings = new GenerationSettings { Prompt = "a city at night", Steps = 17, Seed = 99, Width = 128, Height = 64 };
        Gallery.Items.Add(new GalleryItem(FakeJobQueue.Job(id, JobKind.Pair, JobState.Completed, settings, mine: false), RatingSummary.None));
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/?reuse={id}");

        var studio = Render<Studio>();

        Assert.Contains("a city at night", studio.Find("textarea[data-testid=prompt]").TextContent + studio.Find("textarea[data-testid=prompt]").GetAttribute("value"));
        Assert.Equal("17", studio.Find("input[data-testid=steps]").GetAttribute("value"));
        Assert.Equal("99", studio.Find("input[data-testid=seed]").GetAttribute("value"));
        Assert.Empty(studio.FindAll("[data-testid=audio-clip]"));
    }

    [Fact]
    public void Editing_a_gallery_image_opens_edit_mode_with_its_crop_and_submits_both_images_as_edits_of_it()
    {
        var id = Guid.NewGuid();
        var settings = new GenerationSettings { Prompt = "a dog on grass", Seed = 5 };
        Gallery.Items.Add(new GalleryItem(FakeJobQueue.Job(id, JobKind.Pair, JobState.Completed, settings, mine: false)
            with { Images = new JobImages("/media/textonly.png", "/media/withsound.png") }, RatingSummary.None));
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/?edit={id}");

        var studio = Render<Studio>();
        Assert.Equal("/media/withsound-64x64.png", studio.Find("[data-testid=edit-preview]").GetAttribute("src"));
        Assert.Contains("Strength: 0.60", studio.Find("[data-testid=edit-image-input]").TextContent);
        studio.Find("[data-testid=generate-text]").Click();

        var request = Assert.Single(Queue.Submitted);
        Assert.Equal(("withsound-64x64", 0.6, "a dog on grass"), (request.Settings.InitImage, request.Settings.Strength, request.Settings.Prompt));
        Assert.Equal([("withsound", 64, 64)], EditImages.Prepared);
    }

    [Fact]
    public void A_chosen_file_is_prepared_at_the_forms_size_and_its_crop_is_shown()
    {
        var studio = Render<Studio>();
        studio.FindComponent<MudBlazor.MudSwitch<bool>>().Find("input").Change(true);

        studio.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>()
            .UploadFiles(InputFileContent.CreateFromBinary(new byte[321], "photo.jpg", contentType: "image/jpeg"));

        studio.WaitForAssertion(() => Assert.Equal("/media/upload-321-64x64.png", studio.Find("[data-testid=edit-preview]").GetAttribute("src")));
        Assert.Equal([("upload-321", 64, 64)], EditImages.Prepared);
    }

    [Fact]
    public void Edit_mode_without_an_image_says_so_and_submits_nothing()
    {
        var studio = Render<Studio>();
        studio.Find("textarea[data-testid=prompt]").Input("a dog");
        studio.FindComponent<MudBlazor.MudSwitch<bool>>().Find("input").Change(true);

        studio.Find("[data-testid=generate-text]").Click();

        Assert.Contains("Choose an image to edit first", studio.Find("[data-testid=submit-problems]").TextContent);
        Assert.Empty(Queue.Submitted);
    }

    private static Task SetClipAsync(IRenderedComponent<Studio> studio) =>
        studio.FindComponent<AudioInput>().Instance.OnUploaded(Clip);

    [Fact]
    public async Task The_studio_says_when_a_training_run_shares_the_engine()
    {
        var studio = Render<Studio>();
        Assert.Empty(studio.FindAll("[data-testid=background-work]"));

        await Activity.SetAsync(new BackgroundWork(Guid.NewGuid(), RunKind.Training, "Stage 1 on demo-world", 40, 200, Exclusive: false));

        studio.WaitForAssertion(() => Assert.Contains("A training run is using the engine (step 40 of 200). Your images go first",
            System.Text.RegularExpressions.Regex.Replace(studio.Find("[data-testid=background-work]").TextContent, "\\s+", " ")));
        await Activity.SetAsync(null);
        studio.WaitForAssertion(() => Assert.Empty(studio.FindAll("[data-testid=background-work]")));
    }
}
