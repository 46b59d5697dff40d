using System.Globalization;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Server.Study.Statistics;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>A participant takes a small study in a real Chromium; an admin then reads the results the test recomputes from the export.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StudyFlowTests(BrowserFixture browser) : IDisposable
{
    private readonly TempFolder _data = new("study-e2e");

    [Fact]
    public async Task A_participant_completes_a_blind_study_and_the_results_match_the_export()
    {
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend()).ServeOverKestrel().ReadyAsync();
        var pairs = await factory.PairsAsync(3);
        var (studyId, code) = await factory.OpenStudyAsync(pairs, attentionChecks: 1);
        var secrets = await SecretsAsync(factory, pairs);

        var page = await browser.NewPageAsync(factory.KestrelAddress);
        await page.GotoAsync($"/study/{code}");
        await page.Locator(".study[data-ready=true]").WaitForAsync();
        await page.Locator("[data-testid=consent-agree]").ClickAsync();

        var shown = new List<(string Left, string Right)>();
        var plan = new[] { "left", "right", "tie", "both-bad" };
        for (var number = 1; number <= 4; number++)
        {
            await Assertions.Expect(page.Locator("[data-testid=trial-heading]")).ToHaveTextAsync($"Pair {number} of 4");
            await Assertions.Expect(page.Locator("[data-testid=vote-left]")).ToBeDisabledAsync();
            var html = await page.ContentAsync();
            foreach (var secret in secrets)
                Assert.DoesNotContain(secret, html);
            Assert.DoesNotMatch("(?i)text-only|audio-conditioned|with audio|text only|attention check", html);

            var left = await ConditionOfAsync(page, "left-image");
            var right = await ConditionOfAsync(page, "right-image");
            shown.Add((left, right));

            if (number == 2)
                await SecondVoteIsRefusedAsync(page, code);
            else
            {
                await page.Locator("[data-testid=play]").ClickAsync();
                await Assertions.Expect(page.Locator("[data-testid=audio-state]")).ToContainTextAsync("Sound played");
                await page.Locator($"[data-testid=vote-{plan[number - 1]}]").ClickAsync();
            }
        }

        await Assertions.Expect(page.Locator("[data-testid=study-finished]")).ToContainTextAsync("all 4 pairs");
        await page.Context.CloseAsync();

        var participation = factory.Get<IStudyParticipation>();
        foreach (var (client, choices) in new[]
                 {
                     ("extra-participant-1", new[] { StudyChoice.Left, StudyChoice.Left, StudyChoice.Right, StudyChoice.Tie }),
                     ("extra-participant-2", new[] { StudyChoice.Right, StudyChoice.Right, StudyChoice.Right, StudyChoice.Right }),
                     ("extra-participant-3", new[] { StudyChoice.Left, StudyChoice.BothBad, StudyChoice.Left, StudyChoice.Left }),
                 })
        {
            await participation.ConsentAsync(code, client);
            foreach (var choice in choices)
                await participation.PlayAndVoteAsync(code, client, choice);
        }

        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var admin = await browser.NewPageAsync(factory.KestrelAddress);
        await admin.GotoAsync($"/admin/studies/{studyId}");
        await admin.SignInAsAdminAsync();
        await Assertions.Expect(admin.Locator("[data-testid=results-ratings]")).ToBeVisibleAsync();

        var export = await admin.APIRequest.GetAsync($"/admin/studies/{studyId}/votes.csv");
        Assert.Equal(200, export.Status);
        var rows = Csv.Read(await export.TextAsync());
        await ExportRecordsWhatWasShownAsync(factory, rows, shown);
        await ResultsMatchTheExportAsync(admin, rows);
        await admin.Context.CloseAsync();
    }

    /// <summary>Two tabs of one browser on the same pair: the second vote is refused and the tab moves on.</summary>
    private static async Task SecondVoteIsRefusedAsync(IPage page, string code)
    {
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync($"/study/{code}");
        await other.Locator(".study[data-ready=true]").WaitForAsync();
        await Assertions.Expect(other.Locator("[data-testid=trial-heading]")).ToHaveTextAsync("Pair 2 of 4");

        await page.Locator("[data-testid=play]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=audio-state]")).ToContainTextAsync("Sound played");
        await page.Locator("[data-testid=vote-right]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=trial-heading]")).ToHaveTextAsync("Pair 3 of 4");

        await other.Locator("[data-testid=play]").ClickAsync();
        await Assertions.Expect(other.Locator("[data-testid=audio-state]")).ToContainTextAsync("Sound played");
        await other.Locator("[data-testid=vote-left]").ClickAsync();
        await Assertions.Expect(other.Locator("[data-testid=vote-problem]")).ToContainTextAsync("already voted");
        await other.CloseAsync();
    }

    /// <summary>Fetches the image as the page does and tells the condition by its colour (the test backend's pairs differ in green).</summary>
    private static async Task<string> ConditionOfAsync(IPage page, string testId)
    {
        var src = await page.Locator($"[data-testid={testId}]").GetAttributeAsync("src");
        Assert.Matches("^/study-media/[A-Za-z0-9_-]{22}$", src);
        var response = await page.APIRequest.GetAsync(src!);
        Assert.Equal(200, response.Status);
        Assert.Equal("no-store", response.Headers["cache-control"]);
        var png = PngReader.Parse(await response.BodyAsync());
        Assert.Empty(png.Texts());
        var pixels = png.DecodeRgb8();
        return (pixels[0], pixels[1]) switch
        {
            (128, 128) => "blank",
            (_, 200) => "audio-conditioned",
            (_, 10) => "text-only",
            var other => throw new InvalidOperationException($"unexpected colour {other}"),
        };
    }

    private static async Task<List<string>> SecretsAsync(StudioFactory factory, List<Guid> pairs)
    {
        var jobs = await factory.DbAsync(db => db.Jobs.ToListAsync());
        var items = await factory.DbAsync(db => db.StudyItems.ToListAsync());
        return pairs.Select(p => p.ToString()).Concat(pairs.Select(p => p.ToString("N")))
            .Concat(jobs.SelectMany(j => new[] { j.TextOnlyImage, j.AudioConditionedImage }).OfType<string>())
            .Concat(items.SelectMany(i => new[] { i.Id.ToString(), i.TargetImage, i.OtherImage, i.Audio }).OfType<string>())
            .ToList();
    }

    private static async Task ExportRecordsWhatWasShownAsync(StudioFactory factory, List<Dictionary<string, string>> rows, List<(string Left, string Right)> shown)
    {
        var browserParticipant = await factory.DbAsync(db => db.Participants.Where(p => p.ClientId.Length == 32).Select(p => p.Id).SingleAsync());
        var own = rows.Where(r => r["participant"] == browserParticipant.ToString("N")).OrderBy(r => int.Parse(r["trial"], CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(4, own.Count);
        Assert.Equal(shown, own.Select(r => (Pixels(r["left"]), Pixels(r["right"]))));
        Assert.Equal(["left", "right", "tie", "both_bad"], own.Select(r => r["vote"]));
    }

    /// <summary>The export's name of an image as its colour shows it: an attention check's intact image is the audio-conditioned one.</summary>
    private static string Pixels(string exported) => exported == "intact" ? "audio-conditioned" : exported;

    /// <summary>Recomputes every headline number from the CSV alone and compares it with what the results page shows.</summary>
    internal static async Task ResultsMatchTheExportAsync(IPage admin, List<Dictionary<string, string>> rows)
    {
        var counted = rows.Where(r => r["attention_check"] == "0").ToList();
        var n = counted.Count;
        var k = counted.Count(r => r["improved"] == "1");
        Assert.Equal(k, counted.Count(r => r["chose"] == "audio-conditioned"));
        var share = (double)k / n;
        const double z = 1.959963984540054;
        var centre = (share + z * z / (2 * n)) / (1 + z * z / n);
        var half = z / (1 + z * z / n) * Math.Sqrt(share * (1 - share) / n + z * z / (4.0 * n * n));
        var clusters = counted.GroupBy(r => r["participant"], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Proportion(g.Count(r => r["improved"] == "1"), g.Count())).ToList();
        var (bootLow, bootHigh) = ClusterBootstrap.Interval(clusters);
        var left = counted.Count(r => r["vote"] == "left");
        var right = counted.Count(r => r["vote"] == "right");

        await Expect(admin, "results-ratings", n.ToString(CultureInfo.InvariantCulture));
        await Expect(admin, "results-improved", k.ToString(CultureInfo.InvariantCulture));
        await Expect(admin, "results-share", F(share));
        await Expect(admin, "results-wilson", $"[{F(centre - half)}, {F(centre + half)}]");
        await Expect(admin, "results-bootstrap", $"[{F(bootLow)}, {F(bootHigh)}]");
        await Expect(admin, "results-p50", P(UpperTail(n, k, 0.5)));
        await Expect(admin, "results-p70", P(UpperTail(n, k, 0.7)));
        await Expect(admin, "results-left", left.ToString(CultureInfo.InvariantCulture));
        await Expect(admin, "results-right", right.ToString(CultureInfo.InvariantCulture));
        var bias = Math.Min(1, 2 * Math.Min(UpperTail(left + right, left, 0.5), UpperTail(left + right, right, 0.5)));
        await Expect(admin, "results-bias-p", P(bias));
        var checks = rows.Where(r => r["attention_check"] == "1").ToList();
        await Assertions.Expect(admin.Locator("[data-testid=results-attention]"))
            .ToContainTextAsync($"{checks.Count(r => r["chose"] == "intact")} of {checks.Count}");
        await Assertions.Expect(admin.Locator("[data-testid=results-rule]")).ToContainTextAsync("Tie and both-bad count as \"not improved\"");
    }

    private static Task Expect(IPage page, string testId, string text) =>
        Assertions.Expect(page.Locator($"[data-testid={testId}]")).ToHaveTextAsync(text);

    private static double UpperTail(int n, int k, double p)
    {
        double sum = 0;
        for (var i = k; i <= n; i++)
            sum += Choose(n, i) * Math.Pow(p, i) * Math.Pow(1 - p, n - i);
        return Math.Min(1, sum);
    }

    private static double Choose(int n, int k)
    {
        double result = 1;
        for (var i = 1; i <= k; i++)
            result = result * (n - k + i) / i;
        return result;
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string P(double p) => p < 0.0001 ? p.ToString("0.0e+00", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);

    public void Dispose() => _data.Dispose();
}
