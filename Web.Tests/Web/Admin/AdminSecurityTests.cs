using System.Net;
using System.Text.RegularExpressions;
using Clap2Diffusion.Server.Accounts;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Admin;

/// <summary>The admin console's door: every admin page and endpoint, sign-in, lockout, antiforgery, the first admin.</summary>
public sealed partial class AdminSecurityTests : IDisposable
{
    private readonly TempFolder _data = new("admin-security");

    private StudioFactory Start(IDictionary<string, string?>? settings = null) => new(_data.Path, new TestGenerationBackend(), settings);

    /// <summary>Every route under /admin the app maps (pages and endpoints), with its parameters filled in.</summary>
    private static List<(string Method, string Path)> AdminRoutes(StudioFactory factory)
    {
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => ("/" + e.RoutePattern.RawText!.TrimStart('/')).StartsWith("/admin", StringComparison.Ordinal))
            .Select(e => (Method: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET",
                Path: Fill("/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct().ToList();
        return routes;
    }

    private static string Fill(string pattern) => Parameter().Replace(pattern,
        match => match.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "x.png");

    [Fact]
    public async Task Anonymous_admin_redirects_to_sign_in_with_the_return_address()
    {
        await using var factory = await Start().ReadyAsync();
        using var client = factory.BrowserClient();

        using var response = await client.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login?ReturnUrl=%2Fadmin", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Every_admin_page_and_endpoint_refuses_anonymous_and_non_admin_users_and_serves_admins()
    {
        await using var factory = await Start().ReadyAsync();
        await factory.CreateAccountAsync("viewer@example.org", isAdmin: false);
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var routes = AdminRoutes(factory);
        foreach (var expected in new[] { "/admin", "/admin/studies", "/admin/studies/new", "/admin/training", "/admin/evaluation", "/admin/models",
                     "/admin/accounts" })
            Assert.Contains(routes, r => r.Path == expected);
        Assert.Contains(routes, r => r.Path.EndsWith("/votes.csv", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Path.StartsWith("/admin/runs/", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Path.StartsWith("/admin/training/", StringComparison.Ordinal));

        using var anonymous = factory.BrowserClient();
        using var viewer = await factory.SignedInAsync("viewer@example.org");
        using var admin = await factory.SignedInAsync("admin@example.org");
        foreach (var (method, path) in routes)
        {
            using var refused = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(refused.StatusCode == HttpStatusCode.Redirect, $"anonymous {method} {path}: {(int)refused.StatusCode}");
            Assert.Equal($"/account/login?ReturnUrl={Uri.EscapeDataString(path)}", refused.Headers.Location!.PathAndQuery);

            using var forbidden = await viewer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(forbidden.StatusCode == HttpStatusCode.Forbidden, $"non-admin {method} {path}: {(int)forbidden.StatusCode}");

            using var allowed = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(allowed.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"admin {method} {path}: {(int)allowed.StatusCode}");
        }
    }

    [Fact]
    public async Task A_non_admin_sees_a_plain_403_page_and_the_admin_page_content_never_reaches_them()
    {
        await using var factory = await Start().ReadyAsync();
        await factory.CreateAccountAsync("viewer@example.org", isAdmin: false);
        using var viewer = await factory.SignedInAsync("viewer@example.org");

        using var response = await viewer.GetAsync("/admin/accounts");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("administrators only", body);
        Assert.DoesNotContain("viewer@example.org", body);
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_even_against_the_right_one_until_the_lockout_ends()
    {
        var settings = new Dictionary<string, string?> { ["Admin:MaxFailedSignIns"] = "3", ["Admin:Lockout"] = "00:00:02" };
        await using var factory = await Start(settings).ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        using var client = factory.BrowserClient();

        for (var i = 0; i < 2; i++)
        {
            using var wrong = await client.SignInAsync("admin@example.org", "not the password at all");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Wrong e-mail address or password.", await wrong.Content.ReadAsStringAsync());
        }

        using (var third = await client.SignInAsync("admin@example.org", "still not the password"))
            Assert.Contains("locked until", await third.Content.ReadAsStringAsync());
        using (var right = await client.SignInAsync("admin@example.org"))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            Assert.Contains("locked until", await right.Content.ReadAsStringAsync());
        }

        // The lock holds for this client's address only; the account itself is not locked for others.
        Assert.Null(await factory.DbAsync(db => db.Accounts.Select(a => a.LockedUntil).SingleAsync()));
        using (var stillOut = await client.GetAsync("/admin"))
            Assert.Equal(HttpStatusCode.Redirect, stillOut.StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        using (var after = await client.SignInAsync("admin@example.org"))
        {
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.Equal("/admin", LocalPath(after.Headers.Location!));
        }

        using var page = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_as_a_wrong_password()
    {
        await using var factory = await Start().ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        using var client = factory.BrowserClient();

        using var unknown = await client.SignInAsync("nobody@example.org");

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("Wrong e-mail address or password.", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sign_in_and_sign_out_forms_need_their_antiforgery_token()
    {
        await using var factory = await Start().ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        using var forged = factory.BrowserClient();
        using (var noToken = await forged.SignInAsync("admin@example.org", withToken: false))
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);

        using var admin = await factory.SignedInAsync("admin@example.org");
        using (var crossSite = await admin.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" })))
            Assert.Equal(HttpStatusCode.BadRequest, crossSite.StatusCode);
        using (var stillIn = await admin.GetAsync("/admin"))
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);

        var page = await admin.GetStringAsync("/admin");
        using (var signOut = await admin.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
               {
                   ["returnUrl"] = "/", ["__RequestVerificationToken"] = AdminWeb.TokenOf(page),
               })))
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var signedOut = await admin.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
    }

    [Fact]
    public async Task There_is_no_default_account_and_the_first_admin_comes_from_the_configuration_once()
    {
        await using (var bare = await Start().ReadyAsync())
        {
            Assert.Equal(0, await bare.DbAsync(db => db.Accounts.CountAsync()));
            using var client = bare.BrowserClient();
            using var guess = await client.SignInAsync("admin", "admin");
            Assert.Equal(HttpStatusCode.OK, guess.StatusCode);
        }

        var settings = new Dictionary<string, string?> { ["Admin:Email"] = "First@Example.org", ["Admin:Password"] = AdminWeb.Password };
        await using (var seeded = await Start(settings).ReadyAsync())
        {
            using var admin = await seeded.SignedInAsync("first@example.org");
            using var page = await admin.GetAsync("/admin");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        await using var again = await Start(settings).ReadyAsync();
        var accounts = await again.DbAsync(db => db.Accounts.ToListAsync());
        Assert.Equal("first@example.org", Assert.Single(accounts).Email);
        Assert.True(accounts[0].IsAdmin);
        Assert.DoesNotContain(AdminWeb.Password, accounts[0].PasswordHash);
    }

    [Fact]
    public async Task Create_admin_reads_the_password_from_stdin_and_refuses_bad_input()
    {
        await using var factory = await Start().ReadyAsync();
        var output = new StringWriter();
        var error = new StringWriter();

        var created = await CreateAdminCommand.RunAsync(factory.Services, ["create-admin", "--email", "ops@example.org"],
            new StringReader(AdminWeb.Password + "\n"), output, error);
        var shortPassword = await CreateAdminCommand.RunAsync(factory.Services, ["create-admin", "--email=short@example.org"],
            new StringReader("short\n"), output, error);
        var duplicate = await CreateAdminCommand.RunAsync(factory.Services, ["create-admin", "--email", "OPS@example.org"],
            new StringReader(AdminWeb.Password + "\n"), output, error);
        var usage = await CreateAdminCommand.RunAsync(factory.Services, ["create-admin"], new StringReader(""), output, error);

        Assert.Equal((0, 1, 1, 2), (created, shortPassword, duplicate, usage));
        Assert.Contains("Admin ops@example.org created", output.ToString());
        Assert.Contains("at least 12 characters", error.ToString());
        Assert.Contains("already exists", error.ToString());
        using var admin = await factory.SignedInAsync("ops@example.org");
        using var page = await admin.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_removed_admin_role_takes_effect_on_the_next_request()
    {
        await using var factory = await Start().ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        using var admin = await factory.SignedInAsync("admin@example.org");

        await factory.DbAsync(db => db.Accounts.ExecuteUpdateAsync(s => s.SetProperty(a => a.IsAdmin, false)));
        using var response = await admin.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_is_rendered_statically_and_only_returns_to_local_addresses()
    {
        await using var factory = await Start().ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        using var client = factory.BrowserClient();

        var page = await client.GetStringAsync("/account/login");
        using var response = await client.SignInAsync("admin@example.org", returnUrl: "//evil.example/steal");

        Assert.DoesNotContain("<!--Blazor:{\"type\":\"server\"", page);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", LocalPath(response.Headers.Location!));
    }

    /// <summary>A redirect's target on this site as a path; anything pointing elsewhere comes back whole, and fails the comparison.</summary>
    private static string LocalPath(Uri location) =>
        !location.IsAbsoluteUri ? location.OriginalString : location.Host == "localhost" ? location.PathAndQuery : location.ToString();

    [GeneratedRegex("\\{[^}]+\\}")]
    private static partial Regex Parameter();

    public void Dispose() => _data.Dispose();
}
