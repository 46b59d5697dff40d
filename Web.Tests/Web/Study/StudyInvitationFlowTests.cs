using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>An admin makes invitation links on the study's page; a link starts one session, and opened in another browser it is refused and counted.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StudyInvitationFlowTests(BrowserFixture browser) : IDisposable
{
    private readonly TempFolder _data = new("study-invitation-e2e");

    [Fact]
    public async Task An_admin_makes_invitation_links_and_a_used_link_is_refused_in_another_browser()
    {
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend()).ServeOverKestrel().ReadyAsync();
        var (studyId, _) = await factory.OpenStudyAsync(await factory.PairsAsync(1), attentionChecks: 0,
            configure: d => d with { Access = StudyAccess.Invitations });
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var admin = await browser.NewPageAsync(factory.KestrelAddress);
        await admin.GotoAsync($"/admin/studies/{studyId}");
        await admin.SignInAsAdminAsync();
        await admin.EnterAsync("invitation-count", "2");
        await admin.Locator("[data-testid=make-invitations]").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-testid=invitation]")).ToHaveCountAsync(2);
        var link = (await admin.Locator("[data-testid=invitation] code").First.TextContentAsync())!;

        var first = await browser.NewPageAsync(factory.KestrelAddress);
        await first.GotoAsync(link);
        await first.Locator(".study[data-ready=true]").WaitForAsync();
        await first.Locator("[data-testid=consent-agree]").ClickAsync();
        await Assertions.Expect(first.Locator("[data-testid=trial-heading]")).ToHaveTextAsync("Pair 1 of 1");
        await first.Context.CloseAsync();

        var second = await browser.NewPageAsync(factory.KestrelAddress);
        await second.GotoAsync(link);
        await Assertions.Expect(second.Locator("[data-testid=study-message]")).ToContainTextAsync("already been used");
        await second.GotoAsync(link.Split('?')[0]);
        await Assertions.Expect(second.Locator("[data-testid=study-message]")).ToContainTextAsync("by invitation");
        await second.Context.CloseAsync();

        await admin.ReloadAsync();
        await Assertions.Expect(admin.Locator("[data-testid=invitation-summary]")).ToHaveTextAsync("2 links, 1 used");
        await Assertions.Expect(admin.Locator("[data-testid=results-duplicates]")).ToHaveTextAsync("1");
        await admin.Context.CloseAsync();
    }

    public void Dispose() => _data.Dispose();
}
