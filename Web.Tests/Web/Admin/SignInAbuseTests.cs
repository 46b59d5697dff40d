using System.Net;
using System.Security.Claims;
using Clap2Diffusion.Server.Accounts;
using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Admin;

/// <summary>Sign-in that a stranger cannot turn against the admin, and sign-ins that end when the server says so.</summary>
public sealed class SignInAbuseTests : IDisposable
{
    private const string Email = "admin@example.org";
    private readonly TempFolder _data = new("sign-in-abuse");

    /// <summary>Behind a proxy on loopback, so each test client can come from an address of its own.</summary>
    private async Task<StudioFactory> StartAsync(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>(StudioFactory.NoExemptions) { ["Network:KnownProxies:0"] = "127.0.0.1" };
        foreach (var (key, value) in settings)
            values[key] = value;
        var factory = await new StudioFactory(_data.Path, new TestGenerationBackend(), values).ReadyAsync();
        await factory.CreateAccountAsync(Email, isAdmin: true);
        return factory;
    }

    private static HttpClient From(StudioFactory factory, string address)
    {
        var client = factory.BrowserClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    [Fact]
    public async Task Six_wrong_passwords_from_one_address_do_not_stop_the_right_password_from_another()
    {
        await using var factory = await StartAsync();
        using var stranger = From(factory, "198.51.100.2");
        for (var i = 0; i < 6; i++)
            (await stranger.SignInAsync(Email, $"wrong guess {i}")).Dispose();
        using var strangerRight = await stranger.SignInAsync(Email);

        using var admin = From(factory, "198.51.100.3");
        using var signedIn = await admin.SignInAsync(Email);

        Assert.Contains("locked until", await strangerRight.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var page = await admin.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_locked_account_and_an_unknown_one_get_the_same_message()
    {
        await using var factory = await StartAsync(("Admin:MaxBackoff", "00:00:01"), ("Network:SignInsPerAddress", "100"));
        using var guesser = From(factory, "198.51.100.4");
        var answers = new List<string>();
        foreach (var email in new[] { Email, "nobody@example.org" })
        {
            for (var i = 0; i < 5; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1));
                (await guesser.SignInAsync(email, $"wrong guess {i}")).Dispose();
            }

            await Task.Delay(TimeSpan.FromSeconds(1.1));
            using var sixth = await guesser.SignInAsync(email, "one more guess");
            var body = await sixth.Content.ReadAsStringAsync();
            Assert.True(sixth.StatusCode == HttpStatusCode.OK, $"{(int)sixth.StatusCode}: {body}");
            answers.Add(Problem(body));
        }

        Assert.StartsWith("Too many failed sign-ins from your network address", answers[0]);
        Assert.Equal(Without(answers[0]), Without(answers[1]));
    }

    [Fact]
    public async Task An_open_admin_page_loses_admin_rights_within_the_revalidation_interval_after_a_demotion()
    {
        await using var factory = await StartAsync(("Admin:RevalidationInterval", "00:00:00.500"));
        var account = await factory.DbAsync(db => db.Accounts.SingleAsync());
        var stamp = await factory.Get<AdminSessions>().StampForSignInAsync(account.Id, CancellationToken.None);
        await using var circuit = factory.Services.CreateAsyncScope();
        var provider = circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var user = new ClaimsPrincipal([
            new ClaimsIdentity([new Claim(ClientIds.ClaimType, "admin-browser")], ClientIds.Scheme),
            AdminClaims.IdentityFor(account.Id, account.Email, isAdmin: true, stamp)]);
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.True((await provider.GetAuthenticationStateAsync()).User.IsInRole(AdminClaims.Role), "a valid sign-in keeps its rights");

        await factory.DbAsync(db => db.Accounts.ExecuteUpdateAsync(s => s.SetProperty(a => a.IsAdmin, false)));
        var demotedAt = DateTime.UtcNow;
        while ((await provider.GetAuthenticationStateAsync()).User.IsInRole(AdminClaims.Role))
        {
            Assert.True(DateTime.UtcNow - demotedAt < TimeSpan.FromSeconds(5), "the open page kept its admin rights");
            await Task.Delay(50);
        }

        var after = (await provider.GetAuthenticationStateAsync()).User;
        Assert.True(DateTime.UtcNow - demotedAt < TimeSpan.FromSeconds(1.5), $"it took {DateTime.UtcNow - demotedAt}");
        Assert.Null(AdminClaims.SignedIn(after));
        Assert.Equal("admin-browser", ClientIds.Of(after));
    }

    [Fact]
    public async Task Sign_out_ends_the_session_so_a_copied_cookie_stops_working()
    {
        await using var factory = await StartAsync();
        using var admin = From(factory, "198.51.100.5");
        using var signIn = await admin.SignInAsync(Email);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith($"{AdminClaims.CookieName}=", StringComparison.Ordinal)).Split(';')[0];
        using var copy = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        copy.DefaultRequestHeaders.Add("Cookie", cookie);
        using (var before = await copy.GetAsync("/admin"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var page = await admin.GetStringAsync("/admin");
        using (var signOut = await admin.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
               {
                   ["returnUrl"] = "/", ["__RequestVerificationToken"] = AdminWeb.TokenOf(page),
               })))
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        using var after = await copy.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal));
    }

    private static string Problem(string page) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "data-testid=\"login-problem\"[^>]*>([^<]*)<").Groups[1].Value);

    /// <summary>The message without its time, which differs by the seconds between the two attempts.</summary>
    private static string Without(string message) => System.Text.RegularExpressions.Regex.Replace(message, @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "TIME");

    public void Dispose() => _data.Dispose();
}
