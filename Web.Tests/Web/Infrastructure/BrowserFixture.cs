using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// One headless Chromium for the page tests: Debian's own (<c>/usr/bin/chromium</c>, installed by
/// scripts/test.sh), never a browser Playwright downloads. Fake media devices stand in for a microphone.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"The page tests need Debian's Chromium at {ChromiumPath}: run scripts/test.sh as root, or apt-get install chromium.");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            ],
        });
    }

    private const float PageTimeout = 30_000;

    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString() });
        await context.GrantPermissionsAsync(["microphone"]);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(PageTimeout);
        // Expectations wait as long as actions do. Their own default, 5 s, is shorter than the browser takes to
        // decode and re-encode a 10 s upload when the suite's engine work holds both cores: a clean-clone run once
        // found the studio still "Decoding…" when the clip's name was expected. They still return as soon as the
        // page shows what they wait for.
        Assertions.SetDefaultExpectTimeout(PageTimeout);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
