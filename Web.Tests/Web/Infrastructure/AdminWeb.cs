using System.Net;
using System.Text.RegularExpressions;
using Clap2Diffusion.Server.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>Accounts and the sign-in form as a browser uses them: a GET for the form and its antiforgery token, then the POST.</summary>
public static partial class AdminWeb
{
    public const string Password = "correct horse battery staple";

    public static async Task CreateAccountAsync(this StudioFactory factory, string email, bool isAdmin, string password = Password) =>
        Assert.Empty(await factory.Get<AccountStore>().CreateAsync(email, password, isAdmin));

    /// <summary>A client that keeps cookies, as a browser does, and shows redirects instead of following them.</summary>
    public static HttpClient BrowserClient(this StudioFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = factory.ClientOptions.BaseAddress });

    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string email, string password = Password,
        string returnUrl = "/admin", bool withToken = true)
    {
        var address = $"/account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        var page = await client.GetStringAsync(address);
        var fields = new Dictionary<string, string>
        {
            [NameOf(page, "email")] = email,
            [NameOf(page, "password")] = password,
            ["_handler"] = WebUtility.HtmlDecode(HandlerField().Match(page).Groups[1].Value),
        };
        if (withToken)
            fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenField().Match(page).Groups[1].Value);
        return await client.PostAsync(address, new FormUrlEncodedContent(fields));
    }

    /// <summary>Signs in and fails unless the answer is the redirect a successful sign-in gives.</summary>
    public static async Task<HttpClient> SignedInAsync(this StudioFactory factory, string email)
    {
        var client = factory.BrowserClient();
        using var response = await client.SignInAsync(email);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>The antiforgery token of the page's first form (for posting the sign-out form).</summary>
    public static string TokenOf(string page) => WebUtility.HtmlDecode(TokenField().Match(page).Groups[1].Value);

    private static string NameOf(string page, string id)
    {
        var input = Regex.Match(page, $"<input[^>]*\\bid=\"{id}\"[^>]*>").Value;
        return WebUtility.HtmlDecode(Regex.Match(input, "\\bname=\"([^\"]+)\"").Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("name=\"_handler\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex HandlerField();
}
