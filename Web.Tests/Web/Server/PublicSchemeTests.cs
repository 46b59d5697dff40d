using System.Net;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>Behind a TLS-terminating proxy: HSTS and Secure cookies follow the public scheme the known proxy reports.</summary>
public sealed class PublicSchemeTests : IDisposable
{
    private readonly TempFolder _data = new("public-scheme");

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Https_at_a_known_proxy_brings_hsts_and_secure_cookies(bool proxyIsKnown, bool secure)
    {
        var settings = new Dictionary<string, string?>();
        if (proxyIsKnown)
            settings["Network:KnownProxies:0"] = "127.0.0.1";
        await using var factory = await new StudioFactory(_data.Path, new TestGenerationBackend(), settings).ReadyAsync();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/about");
        request.Headers.Host = "studio.example.org";
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("c2d-client=", StringComparison.Ordinal));
        Assert.Equal(secure, cookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(secure, response.Headers.Contains("Strict-Transport-Security"));
    }

    public void Dispose() => _data.Dispose();
}
