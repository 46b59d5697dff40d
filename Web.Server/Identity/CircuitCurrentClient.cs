using Clap2Diffusion.Client.Contracts;
using Microsoft.AspNetCore.Components.Authorization;

namespace Clap2Diffusion.Server.Identity;

/// <summary>The circuit's client id, from the user Blazor took over from the request that started the circuit.</summary>
public sealed class CircuitCurrentClient(AuthenticationStateProvider authentication) : ICurrentClient
{
    public async Task<string> GetIdAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return ClientIds.Of(state.User)
            ?? throw new InvalidOperationException("This circuit has no client id; the client id middleware must run before Blazor.");
    }
}
