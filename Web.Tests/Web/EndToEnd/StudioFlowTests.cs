using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>What a person does in the studio, in a real Chromium against the app served by Kestrel on loopback.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StudioFlowTests(BrowserFixture browser) : IDisposable
{
    private readonly TempFolder _data = new("e2e");

    private async Task<StudioFactory> ServeAsync(TestGenerationBackend backend)
    {
        return await new StudioFactory(_data.Path, backend).ServeOverKestrel().ReadyAsync();
    }

    private static async Task<IPage> OpenStudioAsync(BrowserFixture browser, Uri address)
    {
        var page = await browser.NewPageAsync(address);
        await page.GotoAsync("/");
        await page.Locator(".audio-root[data-ready=true]").WaitForAsync();
        return page;
    }

    [Fact]
    public async Task Upload_generate_watch_previews_rate_restart_and_find_it_in_the_gallery()
    {
        var clip = _data.File("birdsong.wav");
        await File.WriteAllBytesAsync(clip, Wav.Tone(1.0));
        string prompt = "a dog in the rain";
        var backend = new TestGenerationBackend { StepDelay = TimeSpan.FromMilliseconds(60) };
        await using (var factory = await ServeAsync(backend))
        {
            var page = await OpenStudioAsync(browser, factory.KestrelAddress);
            await page.Locator("[data-testid=audio-file]").SetInputFilesAsync(clip);
            await Assertions.Expect(page.Locator("[data-testid=audio-clip]")).ToContainTextAsync("birdsong.wav");
            await page.Locator("textarea[data-testid=prompt]").FillAsync(prompt);
            await page.EnterAsync("steps", "15");
            await page.Locator("[data-testid=generate-pair]").ClickAsync();

            var previews = await page.WatchPreviewsUntilResultAsync(60, 25);
            var result = page.Locator("[data-testid=result]");

            Assert.True(previews.Count >= 3, $"only {previews.Count} distinct previews arrived: {string.Join(", ", previews)}");
            await Assertions.Expect(page.Locator("[data-testid=relation]")).ToHaveTextAsync("matching");
            var images = page.Locator("[data-testid=result] img");
            Assert.Equal(2, await images.CountAsync());
            await page.Locator("input[data-testid=verdict-improved]").ClickAsync();
            await page.Locator("[data-testid=save-rating]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=rating-summary]")).ToContainTextAsync("1 rating: 1 improved");
            await page.Context.CloseAsync();
        }

        await using (var restarted = await ServeAsync(new TestGenerationBackend()))
        {
            var page = await browser.NewPageAsync(restarted.KestrelAddress);
            await page.GotoAsync("/gallery");
            var row = page.Locator("[data-testid=gallery-item]").Filter(new() { HasText = prompt });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await row.Locator("a.prompt").ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(prompt);
            await Assertions.Expect(page.Locator("[data-testid=relation]")).ToHaveTextAsync("matching");
            await Assertions.Expect(page.Locator("[data-testid=rating-summary]")).ToContainTextAsync("1 improved");
            await Assertions.Expect(page.Locator("audio")).ToHaveCountAsync(1);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_renamed_text_file_gets_a_clear_message_and_nothing_is_uploaded()
    {
        var fake = _data.File("song.wav");
        await File.WriteAllBytesAsync(fake, Wav.RenamedText());
        await using var factory = await ServeAsync(new TestGenerationBackend());
        var page = await OpenStudioAsync(browser, factory.KestrelAddress);

        await page.Locator("[data-testid=audio-file]").SetInputFilesAsync(fake);

        await Assertions.Expect(page.Locator("[data-testid=audio-problem]")).ToContainTextAsync("could not decode \"song.wav\" as audio");
        Assert.True(await page.Locator("[data-testid=generate-pair]").IsDisabledAsync());
        Assert.Equal(0, await factory.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Uploads)));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Recording_with_the_microphone_uploads_a_clip()
    {
        await using var factory = await ServeAsync(new TestGenerationBackend());
        var page = await OpenStudioAsync(browser, factory.KestrelAddress);

        await page.Locator("[data-testid=record]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=stop]")).ToBeEnabledAsync();
        await Task.Delay(1500);
        await page.Locator("[data-testid=stop]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=audio-clip]")).ToContainTextAsync("recording.wav");
        Assert.Equal(1, await factory.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Uploads)));
        await page.Context.CloseAsync();
    }

    public void Dispose() => _data.Dispose();
}
