using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// A visitor on the demo model makes a pair, opens it in the gallery, asks to edit its image with a sound, sees the
/// crop, keeps strength 0.6, picks an example sound and gets a pair whose two images are edits of that image.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EditWithSoundProcessTests(BrowserFixture browser) : IDisposable
{
    private readonly TempFolder _data = new("edit-with-sound");

    [Fact]
    public async Task A_gallery_image_edited_with_an_example_sound_at_strength_0_6_gives_a_pair_of_edits()
    {
        var first = DemoExamples.All[0];
        var second = DemoExamples.All[^1];
        await using var server = await ServerProcess.StartAsync(_data.File("data"), new Dictionary<string, string> { ["Studio__SeedExamples"] = "false" });
        var page = await browser.NewPageAsync(server.Address);
        await page.GotoAsync("/", new() { Timeout = 90_000 });
        await WaitForExamplesAsync(page);

        // A pair to edit: the first example sound with its first suggested prompt.
        await page.Locator($"[data-testid=example][data-example={first.Id}] [data-testid=example-prompt]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=audio-clip]")).ToContainTextAsync($"{first.Id}.wav");
        await page.Locator("[data-testid=generate-pair]").ClickAsync();
        await page.Locator("[data-testid=result]").WaitForAsync(new() { Timeout = 120_000 });
        await page.GetByText("Open in the gallery").ClickAsync();

        await page.Locator("[data-testid=edit-with-sound]").ClickAsync();
        var preview = page.Locator("[data-testid=edit-preview]");
        await Assertions.Expect(preview).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=edit-image-input]")).ToContainTextAsync("Strength: 0.60");
        var crop = PngReader.Parse(await (await page.APIRequest.GetAsync(await preview.GetAttributeAsync("src") ?? "")).BodyAsync());
        Assert.Equal((64, 64), (crop.Width, crop.Height));

        await WaitForExamplesAsync(page);
        await page.Locator($"[data-testid=example][data-example={second.Id}] [data-testid=example-prompt]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=audio-clip]")).ToContainTextAsync($"{second.Id}.wav");
        await page.Locator("[data-testid=generate-pair]").ClickAsync();

        var result = page.Locator("[data-testid=result]");
        await result.WaitForAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(result).ToContainTextAsync("The edit pair");
        await Assertions.Expect(result.Locator("[data-testid=edit-facts]")).ToContainTextAsync("strength 0.60");
        var hash = (await preview.GetAttributeAsync("src"))!["/media/".Length..^".png".Length];
        foreach (var (alt, condition) in new[] { ("Text-only image (same seed)", "text-only"), ("Audio-conditioned image", "audio") })
        {
            var src = await result.GetByAltText(alt, new() { Exact = true }).First.GetAttributeAsync("src");
            var parameters = PngReader.Parse(await (await page.APIRequest.GetAsync(src ?? "")).BodyAsync()).Text("parameters");
            Assert.Contains("Denoising strength: 0.6", parameters);
            Assert.Contains($"Init image: {hash}", parameters);
            Assert.Contains($"Condition: {condition}", parameters);
        }
        await page.Context.CloseAsync();
    }

    // The server synthesises the example sounds once the engine is ready; until then the page offers none.
    private static async Task WaitForExamplesAsync(IPage page)
    {
        await page.Locator(".audio-root[data-ready=true]").WaitForAsync(new() { Timeout = 90_000 });
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await page.Locator("[data-testid=example]").CountAsync() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            await page.ReloadAsync();
            await page.Locator(".audio-root[data-ready=true]").WaitForAsync();
        }
    }

    public void Dispose() => _data.Dispose();
}
