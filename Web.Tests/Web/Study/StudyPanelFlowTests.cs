using System.Globalization;
using System.Text.RegularExpressions;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>
/// A small panel study in a real Chromium: a participant arrives with a panel id, listens to each (1 s) clip, votes,
/// gets the completion code and is sent back to the panel; the same id in another browser is refused; the admin's
/// results page shows the numbers the test computes from the CSV, including how the votes were obtained.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StudyPanelFlowTests(BrowserFixture browser) : IDisposable
{
    private const string PanelId = "5f00aa11bb22cc33dd44ee55";
    private const string CompletionCode = "PANEL-OK-7";
    private readonly TempFolder _data = new("study-panel-e2e");

    [Fact]
    public async Task A_panel_participant_listens_votes_and_gets_the_completion_code_and_the_results_match_the_export()
    {
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend()).ServeOverKestrel().ReadyAsync();
        var pairs = await factory.PairsAsync(2, clipSeconds: 1.0);
        var returnUrl = new Uri(factory.KestrelAddress, "about?returned=1").ToString();
        var (studyId, code) = await factory.OpenStudyAsync(pairs, attentionChecks: 1, configure: d => d with
        {
            Access = StudyAccess.Panel, CompletionCode = CompletionCode, CompletionUrl = returnUrl, ListeningToleranceSeconds = 0.3,
        });

        var page = await browser.NewPageAsync(factory.KestrelAddress);
        await page.GotoAsync($"/study/{code}?PROLIFIC_PID={PanelId}&STUDY_ID=abc");
        await page.Locator(".study[data-ready=true]").WaitForAsync();
        await page.Locator("[data-testid=consent-agree]").ClickAsync();
        var plan = new[] { "left", "right", "tie" };
        for (var number = 1; number <= 3; number++)
        {
            await Assertions.Expect(page.Locator("[data-testid=trial-heading]")).ToHaveTextAsync($"Pair {number} of 3");
            await page.Locator("[data-testid=play]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=audio-state]")).ToContainTextAsync("Sound played");
            await page.Locator($"[data-testid=vote-{plan[number - 1]}]").ClickAsync();
        }

        await Assertions.Expect(page.Locator("[data-testid=completion-code]")).ToHaveTextAsync(CompletionCode);
        await page.WaitForURLAsync(new Regex("/about\\?returned=1$"));
        await page.Context.CloseAsync();

        var second = await browser.NewPageAsync(factory.KestrelAddress);
        await second.GotoAsync($"/study/{code}?PROLIFIC_PID={PanelId}");
        await Assertions.Expect(second.Locator("[data-testid=study-message]")).ToContainTextAsync("already taken part");
        await second.Context.CloseAsync();

        await AnotherPanelParticipantVotesOnceTooFastAsync(factory.Get<IStudyParticipation>(), code);

        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var admin = await browser.NewPageAsync(factory.KestrelAddress);
        await admin.GotoAsync($"/admin/studies/{studyId}");
        await admin.SignInAsAdminAsync();
        await Assertions.Expect(admin.Locator("[data-testid=results-ratings]")).ToBeVisibleAsync();
        var export = await admin.APIRequest.GetAsync($"/admin/studies/{studyId}/votes.csv");
        Assert.Equal(200, export.Status);
        var rows = Csv.Read(await export.TextAsync());

        Assert.Equal(6, rows.Count);
        await StudyFlowTests.ResultsMatchTheExportAsync(admin, rows);
        await ConductMatchesTheExportAsync(admin, rows);
        await admin.Context.CloseAsync();
    }

    /// <summary>A second panel participant, through the service as their page would call it: one answer before the clip could end, then heard ones.</summary>
    private static async Task AnotherPanelParticipantVotesOnceTooFastAsync(IStudyParticipation participation, string code)
    {
        const string client = "panel-participant-2";
        var trial = (await participation.ConsentAsync(code, client, StudyTestData.Link("PROLIFIC_PID", "6a11bb22cc33dd44ee55ff66"))).Trial!;
        Assert.True(await participation.AudioPlayedAsync(code, client, trial.TrialId));
        Assert.False((await participation.VoteAsync(code, client, trial.TrialId, StudyChoice.Left)).Accepted);
        foreach (var choice in new[] { StudyChoice.Left, StudyChoice.Left, StudyChoice.Right })
            Assert.True((await participation.PlayAndVoteAsync(code, client, choice, listen: TimeSpan.FromSeconds(0.8))).Accepted);
    }

    /// <summary>How the votes were obtained, recomputed from the CSV alone, against the results page.</summary>
    private static async Task ConductMatchesTheExportAsync(IPage admin, List<Dictionary<string, string>> rows)
    {
        var pairsRows = rows.Where(r => r["attention_check"] == "0").ToList();
        Assert.All(rows, r => Assert.Equal("panel", r["access_mode"]));
        var duplicates = rows.Select(r => r["study_duplicate_sessions_refused"]).Distinct().Single();
        var tooFast = rows.Sum(r => int.Parse(r["too_fast_votes_refused"], CultureInfo.InvariantCulture));
        Assert.Equal(tooFast.ToString(CultureInfo.InvariantCulture), rows.Select(r => r["study_too_fast_votes_refused"]).Distinct().Single());
        var galleryPairs = pairsRows.Where(r => r["from_gallery"] == "1").Select(r => r["item"]).Distinct().Count();
        var galleryRatings = pairsRows.Count(r => r["from_gallery"] == "1");

        Assert.Equal(("1", 1), (duplicates, tooFast));
        await Expect(admin, "results-access", "panel");
        await Expect(admin, "results-duplicates", duplicates);
        await Expect(admin, "results-too-fast", tooFast.ToString(CultureInfo.InvariantCulture));
        await Expect(admin, "results-gallery-pairs", galleryPairs.ToString(CultureInfo.InvariantCulture));
        await Expect(admin, "results-gallery-ratings", galleryRatings.ToString(CultureInfo.InvariantCulture));
        await Expect(admin, "results-pair-votes", pairsRows.Count.ToString(CultureInfo.InvariantCulture));
        await Expect(admin, "results-excluded", "0");
    }

    private static Task Expect(IPage page, string testId, string text) =>
        Assertions.Expect(page.Locator($"[data-testid={testId}]")).ToHaveTextAsync(text);

    public void Dispose() => _data.Dispose();
}
