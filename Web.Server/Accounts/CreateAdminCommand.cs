using Clap2Diffusion.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Accounts;

/// <summary>
/// <c>dotnet Web.Server.dll create-admin --email X</c>: creates an admin account and exits. The password comes
/// from <c>Admin__Password</c> when set, otherwise from the first line of standard input, so it never appears
/// in the process list or the shell history.
/// </summary>
public static class CreateAdminCommand
{
    public const string Verb = "create-admin";

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == Verb;

    /// <summary>The arguments minus the verb's own, for the host builder (so <c>--urls</c> and config switches still work).</summary>
    public static string[] HostArguments(string[] args) => Matches(args) ? [.. RemoveEmail(args[1..])] : args;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var email = EmailOf(args);
        if (email is null)
        {
            await error.WriteLineAsync($"Usage: Web.Server {Verb} --email ADDRESS   (password from Admin__Password or the first line of stdin)");
            return 2;
        }

        var password = services.GetRequiredService<IOptions<AccountOptions>>().Value.Password;
        if (string.IsNullOrEmpty(password))
            password = (await input.ReadLineAsync())?.TrimEnd('\r') ?? "";

        var paths = services.GetRequiredService<StoragePaths>();
        Directory.CreateDirectory(paths.DataFolder);
        await using (var db = await services.GetRequiredService<IDbContextFactory<StudioDbContext>>().CreateDbContextAsync())
            await db.Database.MigrateAsync();

        var problems = await services.GetRequiredService<AccountStore>().CreateAsync(email, password, isAdmin: true);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
                await error.WriteLineAsync(problem);
            return 1;
        }

        await output.WriteLineAsync($"Admin {AccountStore.Normalize(email)} created in {paths.Database}.");
        return 0;
    }

    private static string? EmailOf(string[] args)
    {
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--email" && i + 1 < args.Length)
                return args[i + 1];
            if (args[i].StartsWith("--email=", StringComparison.Ordinal))
                return args[i]["--email=".Length..];
        }

        return null;
    }

    private static IEnumerable<string> RemoveEmail(string[] rest)
    {
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == "--email")
            {
                i++;
                continue;
            }

            if (!rest[i].StartsWith("--email=", StringComparison.Ordinal))
                yield return rest[i];
        }
    }
}
