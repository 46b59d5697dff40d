using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// A circuit keeps the user of the request that opened it, so an open admin page would keep its rights after a
/// sign-out or a demotion. This checks the sign-in every <see cref="AccountOptions.RevalidationInterval"/> and, once
/// it no longer holds, takes the admin identity out of the circuit's user: the page re-renders as a visitor's. The
/// anonymous client id stays, so the circuit's jobs stay its own (the stock revalidating provider would drop both).
/// </summary>
public sealed class AdminRevalidation(AdminSessions sessions, IOptions<AccountOptions> options, ILogger<AdminRevalidation> logger)
    : ServerAuthenticationStateProvider, IHostEnvironmentAuthenticationStateProvider, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private int _started;

    /// <summary>Blazor hands the circuit its user here; the checks start with it.</summary>
    void IHostEnvironmentAuthenticationStateProvider.SetAuthenticationState(Task<AuthenticationState> authenticationStateTask)
    {
        SetAuthenticationState(authenticationStateTask);
        if (Interlocked.Exchange(ref _started, 1) == 0)
            _ = RevalidateAsync(_disposed.Token);
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private async Task RevalidateAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(options.Value.RevalidationInterval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var user = (await GetAuthenticationStateAsync()).User;
                if (AdminClaims.SignedIn(user) is not { } signedIn || await sessions.IsValidAsync(signedIn, cancellationToken))
                    continue;
                logger.LogInformation("An open page of {Account} lost its sign-in", signedIn.Name);
                var visitor = new ClaimsPrincipal(user.Identities.Where(i => i.AuthenticationType != AdminClaims.Scheme));
                SetAuthenticationState(Task.FromResult(new AuthenticationState(visitor)));
            }
        }
        catch (OperationCanceledException)
        {
            // The circuit ended.
        }
        catch (ObjectDisposedException)
        {
            // The circuit ended while a check was under way.
        }
    }
}
