using System.Net;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>Client ids a client cannot mint, and the per-address limits that bound the ids it may ask for.</summary>
public sealed class ClientIdentityTests : IDisposable
{
    private readonly TempFolder _data = new("client-identity");
    private readonly TestGenerationBackend _backend = new();

    private async Task<StudioFactory> StartAsync(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>(StudioFactory.NoExemptions);
        foreach (var (key, value) in settings)
            values[key] = value;
        return await new StudioFactory(_data.Path, _backend, values).ReadyAsync();
    }

    private static HttpClient Anonymous(StudioFactory factory) => factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    [Fact]
    public async Task Fifty_submissions_with_fifty_issued_ids_from_one_address_meet_the_per_address_limit()
    {
        await using var factory = await StartAsync(("Network:ClientIdsPerAddress", "100"), ("Network:SubmissionsPerAddress", "20"));
        using var http = Anonymous(factory);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refusal = null;
        for (var i = 0; i < 50; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
            {
                Content = new MultipartFormDataContent { { new StringContent($"a dog {i}"), "prompt" }, { new StringContent("2"), "steps" } },
            };
            request.Headers.Add("X-Client-Id", await http.IssuedClientIdAsync());
            var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                refusal ??= response;
        }

        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.True(refusal!.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a refusal says when to try again");
        Assert.Contains("network address", (await refusal.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Submissions_from_the_studio_page_count_against_the_address_as_the_apis_do()
    {
        // The studio submits over its circuit, through IJobQueue, where no HTTP rate limiter sees it: each circuit's id
        // was seen from its address when the circuit connected (here: one GET per id), and the queue counts by that.
        await using var factory = await StartAsync(("Network:ClientIdsPerAddress", "100"), ("Network:SubmissionsPerAddress", "5"));
        using var http = Anonymous(factory);
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var id = await http.IssuedClientIdAsync();
            using var seen = new HttpRequestMessage(HttpMethod.Get, "/api/gallery?take=1");
            seen.Headers.Add("X-Client-Id", id);
            (await http.SendAsync(seen)).Dispose();
            ids.Add(id);
        }

        var signer = factory.Get<Clap2Diffusion.Server.Identity.ClientIdSigner>();
        var queue = factory.Get<Clap2Diffusion.Client.Contracts.IJobQueue>();
        var settings = queue.Status.Info!.Defaults with { Prompt = "a dog", Steps = 2 };
        var results = new List<Clap2Diffusion.Client.Contracts.SubmitResult>();
        foreach (var id in ids)
            results.Add(await queue.SubmitAsync(signer.Read(id)!, new Clap2Diffusion.Client.Contracts.JobRequest(settings, null)));

        Assert.Equal(5, results.Count(r => r.Accepted));
        var refused = results.Where(r => !r.Accepted).ToList();
        Assert.Equal(3, refused.Count);
        Assert.All(refused, r => Assert.Contains("from your network address", Assert.Single(r.Messages)));
    }

    [Theory]
    [InlineData("made-up-client-0001")]
    [InlineData("CfDJ8forged0000000000000000000000000000000000000000000000000000000000000")]
    public async Task A_forged_client_id_gets_401_with_how_to_get_one(string forged)
    {
        await using var factory = await StartAsync();
        using var http = Anonymous(factory);
        http.DefaultRequestHeaders.Add("X-Client-Id", forged);

        using var submit = await http.SubmitAsync("a dog");
        using var read = await http.GetAsync("/api/gallery?mine=true");

        Assert.Equal(HttpStatusCode.Unauthorized, submit.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Contains("POST /api/clients", (await submit.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Empty(_backend.RunOrder);
    }

    [Fact]
    public async Task A_tampered_id_or_cookie_is_refused_and_the_issued_one_is_accepted()
    {
        await using var factory = await StartAsync();
        using var http = Anonymous(factory);
        var issued = await http.IssuedClientIdAsync();
        var tampered = issued[..^4] + (issued[^4] == 'A' ? "B" : "A") + issued[^3..];

        using var withTampered = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new MultipartFormDataContent { { new StringContent("a dog"), "prompt" } } };
        withTampered.Headers.Add("X-Client-Id", tampered);
        using var cookieForged = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new MultipartFormDataContent { { new StringContent("a dog"), "prompt" } } };
        cookieForged.Headers.Add("Cookie", "c2d-client=made-up-client-0001");
        cookieForged.Headers.Add("X-Requested-With", "fetch");
        using var noCookie = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new MultipartFormDataContent { { new StringContent("a dog"), "prompt" } } };
        noCookie.Headers.Add("X-Requested-With", "fetch");

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(withTampered)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(cookieForged)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(noCookie)).StatusCode);
        http.DefaultRequestHeaders.Add("X-Client-Id", issued);
        var job = await http.QueueAsync("a dog", steps: 2);
        Assert.Equal("Completed", (await http.WaitForAsync(job)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Client_ids_are_issued_within_a_per_address_budget()
    {
        await using var factory = await StartAsync(("Network:ClientIdsPerAddress", "3"));
        using var http = Anonymous(factory);
        for (var i = 0; i < 3; i++)
            await http.IssuedClientIdAsync();

        using var fourth = await http.PostAsync("/api/clients", null);
        using var page = await http.GetAsync("/about");

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.NotNull(fourth.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_forwarded_address_counts_only_when_a_known_proxy_sends_it()
    {
        await using (var direct = await StartAsync(("Network:SubmissionsPerAddress", "2")))
            Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], await SubmitFromThreeAddressesAsync(direct));

        await using var proxied = await StartAsync(("Network:SubmissionsPerAddress", "2"), ("Network:KnownProxies:0", "127.0.0.1"));
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted], await SubmitFromThreeAddressesAsync(proxied));
    }

    [Fact]
    public async Task An_exempt_network_meets_no_per_address_limit()
    {
        await using var factory = await StartAsync(("Network:SubmissionsPerAddress", "1"), ("Network:ExemptNetworks:0", "127.0.0.0/8"));
        var client = factory.ClientFor("exempt-client");

        for (var i = 0; i < 3; i++)
            await client.QueueAsync($"a dog {i}", steps: 2);
    }

    [Fact]
    public async Task Issued_ids_survive_a_restart()
    {
        string issued;
        Guid job;
        await using (var first = await StartAsync())
        {
            using var http = Anonymous(first);
            issued = await http.IssuedClientIdAsync();
            http.DefaultRequestHeaders.Add("X-Client-Id", issued);
            job = await http.QueueAsync("a dog", steps: 2);
            await http.WaitForAsync(job);
        }

        await using var second = await StartAsync();
        using var again = Anonymous(second);
        again.DefaultRequestHeaders.Add("X-Client-Id", issued);
        Assert.Equal("Completed", (await again.StatusAsync(job)).GetProperty("state").GetString());
        Assert.True(File.Exists(Directory.GetFiles(Path.Combine(_data.Path, "keys")).Single()), "the key ring lives in the data folder");
    }

    private static async Task<HttpStatusCode[]> SubmitFromThreeAddressesAsync(StudioFactory factory)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 3; i++)
        {
            using var http = factory.ClientFor($"forwarded-{i:D3}");
            http.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}");
            using var response = await http.SubmitAsync("a dog", fields: new Dictionary<string, string> { ["steps"] = "2" });
            statuses.Add(response.StatusCode);
        }

        return [.. statuses];
    }

    public void Dispose() => _data.Dispose();
}
