using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Server.Network;

namespace Clap2Diffusion.Server.Api;

public static class ClientEndpoints
{
    public const string TooMany = "Too many client ids were asked for from your network address; keep the one you have.";

    public static RouteGroupBuilder MapClientEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/clients", (HttpContext context, ClientIdSigner signer, ClientIdIssuance issuance) =>
            {
                var lease = issuance.Acquire(context);
                if (!lease.IsAcquired)
                    return new AddressLimitRefusal(lease, TooMany);
                lease.Dispose();
                var (_, token) = signer.Issue();
                return Results.Ok(new IssuedClient(token, ClientIds.HeaderName));
            })
            .WithName("IssueClientId")
            .WithSummary($"A new client id: send it as the {ClientIds.HeaderName} header to own the jobs and uploads you make.")
            .Produces<IssuedClient>()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .DisableAntiforgery();
        return api;
    }
}

/// <summary>An issued client id and the header to send it in.</summary>
public sealed record IssuedClient(string ClientId, string Header);
