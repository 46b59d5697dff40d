using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// At start, creates the first admin from <c>Admin__Email</c> and <c>Admin__Password</c> when both are set and
/// no account has that address. Registered after the database migrator, so the tables exist.
/// </summary>
public sealed class AdminSeeder(AccountStore accounts, IOptions<AccountOptions> options, ILogger<AdminSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (email, password) = (options.Value.Email, options.Value.Password);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
            return;
        if (await accounts.AnyAsync(email, cancellationToken))
            return;
        var problems = await accounts.CreateAsync(email, password, isAdmin: true, cancellationToken);
        if (problems.Count > 0)
            throw new InvalidOperationException($"Admin__Email/Admin__Password could not create the first admin: {string.Join(" ", problems)}");
        logger.LogInformation("First admin {Email} created from the configuration", AccountStore.Normalize(email));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
