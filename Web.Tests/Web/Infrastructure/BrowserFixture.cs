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

    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString() });
        await context.GrantPermissionsAsync(["microphone"]);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
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
