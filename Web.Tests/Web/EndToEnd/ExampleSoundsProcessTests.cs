using System.Text.RegularExpressions;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.Showcase;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.EndToEnd;

/// <summary>
/// A newcomer on a fresh database with the embedded demo model: the studio offers the demo world's sounds, one
/// click on a suggested prompt takes the sound and the prompt, and the pair's audio-conditioned image is the
/// example's scene as the demo classifier reads it back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ExampleSoundsProcessTests(BrowserFixture browser) : IDisposable
{
    private static readonly Dictionary<string, string> NoSeededGallery = new() { ["Studio__SeedExamples"] = "false" };

    private readonly TempFolder _data = new("examples");

    [Fact]
    public async Task One_click_on_an_example_and_generate_pair_draw_the_examples_scene()
    {
        var example = DemoExamples.All.Single(e => e.Id == "bell-engine-rain");
        var complementary = example.Prompts.Single(p => p.Relation == PromptAudioRelation.Complementary);

        await using var server = await ServerProcess.StartAsync(_data.File("data"), NoSeededGallery);
        var page = await browser.NewPageAsync(server.Address);
        await page.GotoAsync("/", new() { Timeout = 90_000 });
        await page.Locator(".audio-root[data-ready=true]").WaitForAsync(new() { Timeout = 90_000 });
        // The server synthesises the examples once the engine is ready; until then the page offers none.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await page.Locator("[data-testid=example]").CountAsync() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            await page.ReloadAsync();
            await page.Locator(".audio-root[data-ready=true]").WaitForAsync();
        }
        await Assertions.Expect(page.Locator("[data-testid=example]")).ToHaveCountAsync(DemoExamples.All.Count);
        await Assertions.Expect(page.Locator("[data-testid=clip-player]")).ToBeHiddenAsync();
        var card = page.Locator($"[data-testid=example][data-example={example.Id}]");
        await Assertions.Expect(card).ToContainTextAsync(example.Caption);
        var played = await page.APIRequest.GetAsync(await card.Locator("audio").GetAttributeAsync("src") ?? "");
        Assert.Equal("audio/wav", played.Headers["content-type"]);

        await card.Locator("[data-testid=example-prompt][data-relation=complementary]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=audio-clip]")).ToContainTextAsync($"{example.Id}.wav");
        await Assertions.Expect(page.Locator("textarea[data-testid=prompt]")).ToHaveValueAsync(complementary.Prompt);
        await Assertions.Expect(page.Locator("[data-testid=clip-player]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=own-sound-notice]")).ToHaveCountAsync(0);
        await page.GetByLabel("Fixed").CheckAsync();
        await page.EnterAsync("seed", "7");
        await page.Locator("[data-testid=generate-pair]").ClickAsync();

        var result = page.Locator("[data-testid=result]");
        await result.WaitForAsync(new() { Timeout = 120_000 });
        var audioImage = _data.File("audio-conditioned.png");
        var src = await result.GetByAltText("Audio-conditioned image", new() { Exact = true }).First.GetAttributeAsync("src");
        var response = await page.APIRequest.GetAsync(src ?? "");
        await File.WriteAllBytesAsync(audioImage, await response.BodyAsync());

        using var classifier = SceneImageClassifier.Load(Path.Combine(EmbeddedModel.DefaultFolder, "classifier"));
        var read = classifier.ReadFiles([audioImage])[0].Labels;
        var expected = example.Scene;
        Assert.Equal(
            (expected.Foreground ?? DemoVocabulary.None, expected.Background ?? DemoVocabulary.None, expected.Ambience ?? DemoVocabulary.None),
            (read[SceneAttributes.Foreground], read[SceneAttributes.Background], read[SceneAttributes.Ambience]));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_gallery_starts_with_the_showcase_examples_and_says_so_when_it_is_empty()
    {
        await using (var server = await ServerProcess.StartAsync(_data.File("seeded")))
        {
            var page = await browser.NewPageAsync(server.Address);
            await page.GotoAsync("/gallery", new() { Timeout = 90_000 });
            var examples = page.Locator("[data-testid=gallery-item]").Filter(new() { Has = page.Locator("[data-testid=example-badge]") });
            // The rows are virtualised: they arrive after the page has connected, and the count line says when they
            // have (counting right after a reload read 0 on a loaded machine while all nine pairs were done).
            var count = page.Locator("[data-testid=gallery-count]");
            var expected = $"{DemoShowcase.Cases.Count} generations";
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (true)
            {
                await Assertions.Expect(count).ToHaveTextAsync(new Regex("generation"), new() { Timeout = 60_000 });
                if (await count.TextContentAsync() == expected || DateTime.UtcNow > deadline)
                    break;
                await Task.Delay(2000);
                await page.ReloadAsync();
            }
            var shown = await count.TextContentAsync();
            Assert.True(shown == expected,
                $"the gallery says \"{shown}\" after 5 minutes, not \"{expected}\"; the server said:\n{string.Join('\n', server.Output.TakeLast(200))}");
            await Assertions.Expect(examples).ToHaveCountAsync(DemoShowcase.Cases.Count);
            await Assertions.Expect(page.Locator("[data-testid=gallery-item]").Filter(new() { HasText = DemoShowcase.Cases[0].Prompt })).ToHaveCountAsync(1);
            await page.GetByText("Only mine").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=gallery-empty]")).ToBeVisibleAsync();
            await page.Context.CloseAsync();
        }

        await using (var plain = await ServerProcess.StartAsync(_data.File("plain"), NoSeededGallery))
        {
            var page = await browser.NewPageAsync(plain.Address);
            await page.GotoAsync("/gallery", new() { Timeout = 90_000 });
            var empty = page.Locator("[data-testid=gallery-empty]");
            await Assertions.Expect(empty).ToContainTextAsync("The gallery is empty");
            await Assertions.Expect(empty.Locator("a[href='/']")).ToHaveCountAsync(1);
            await page.Context.CloseAsync();
        }
    }

    public void Dispose() => _data.Dispose();
}
