using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>What the browser tests do with the app's forms, written once.</summary>
public static class PageForms
{
    /// <summary>Types a value and leaves the field: MudBlazor inputs commit on change, not on every key.</summary>
    public static async Task EnterAsync(this ILocator input, string value)
    {
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    /// <summary>Enters a value into the input with this <c>data-testid</c>.</summary>
    public static Task EnterAsync(this IPage page, string testId, string value) =>
        page.Locator($"input[data-testid={testId}]").EnterAsync(value);

    /// <summary>
    /// Watches the studio's live preview until the result shows or <paramref name="seconds"/> pass, polling every
    /// <paramref name="pollMs"/>; returns every distinct preview address seen.
    /// </summary>
    public static async Task<HashSet<string>> WatchPreviewsUntilResultAsync(this IPage page, int seconds, int pollMs)
    {
        var previews = new HashSet<string>();
        var result = page.Locator("[data-testid=result]");
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await result.IsVisibleAsync() && DateTime.UtcNow < deadline)
        {
            var src = await page.EvaluateAsync<string?>("() => document.querySelector('[data-testid=preview]')?.getAttribute('src')");
            if (src is not null)
                previews.Add(src);
            await Task.Delay(pollMs);
        }

        return previews;
    }

    /// <summary>Signs in on the login page an admin page redirected to, and waits for the admin navigation to be live.</summary>
    public static async Task SignInAsAdminAsync(this IPage page, string email = "admin@example.org")
    {
        await page.Locator("[data-testid=email]").FillAsync(email);
        await page.Locator("[data-testid=password]").FillAsync(AdminWeb.Password);
        await page.Locator("[data-testid=sign-in]").ClickAsync();
        await page.Locator("nav.admin-nav[data-ready=true]").WaitForAsync();
    }
}
