using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Admin;

/// <summary>An admin page open in a real browser loses its rights once the account is demoted, without a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminRevalidationFlowTests(BrowserFixture browser) : IDisposable
{
    private readonly TempFolder _data = new("admin-revalidation");

    [Fact]
    public async Task An_open_admin_page_loses_admin_rights_within_the_revalidation_interval_after_a_demotion()
    {
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend(),
            new Dictionary<string, string?> { ["Admin:RevalidationInterval"] = "00:00:01" }).ServeOverKestrel().ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var page = await browser.NewPageAsync(factory.KestrelAddress);
        await page.GotoAsync("/admin/accounts");
        await page.SignInAsAdminAsync();
        Assert.EndsWith("/admin/accounts", page.Url);

        await factory.DbAsync(db => db.Accounts.ExecuteUpdateAsync(s => s.SetProperty(a => a.IsAdmin, false)));
        var demotedAt = DateTime.UtcNow;

        // The circuit's user loses the sign-in, so the open page falls back to what a visitor gets: the sign-in page.
        await page.WaitForURLAsync("**/account/login**", new() { Timeout = 10_000 });
        Assert.True(DateTime.UtcNow - demotedAt < TimeSpan.FromSeconds(5), $"the page kept its rights for {DateTime.UtcNow - demotedAt}");
    }

    public void Dispose() => _data.Dispose();
}
