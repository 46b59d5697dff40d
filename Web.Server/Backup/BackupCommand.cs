namespace Clap2Diffusion.Server.Backup;

/// <summary>
/// <c>dotnet run --project Web.Server -- backup --out DIR</c>: an online backup of the data folder the configuration
/// names (<see cref="OnlineBackup"/>), taken while the server runs, then exits. Restore by stopping the server and
/// putting the folder's <c>studio.db</c>, <c>content/</c> and <c>keys/</c> in place of the data folder's.
/// </summary>
public static class BackupCommand
{
    public const string Verb = "backup";

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == Verb;

    /// <summary>The arguments minus the verb's own, for the host builder (config switches still work).</summary>
    public static string[] HostArguments(string[] args)
    {
        if (!Matches(args))
            return args;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--out")
                i++;
            else if (!args[i].StartsWith("--out=", StringComparison.Ordinal))
                rest.Add(args[i]);
        }

        return [.. rest];
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var folder = OutOf(args);
        if (folder is null)
        {
            await error.WriteLineAsync($"Usage: Web.Server {Verb} --out DIR   (a new or empty folder; the server may keep running)");
            return 2;
        }

        try
        {
            var report = await services.GetRequiredService<OnlineBackup>().TakeAsync(folder, CancellationToken.None);
            await output.WriteLineAsync($"Backup of {report.TakenAt:yyyy-MM-dd HH:mm:ss} UTC in {report.Folder}: {report.Jobs} jobs, " +
                $"{report.ContentFiles} content files, {report.Keys} keys" +
                (report.MissingFiles > 0 ? $"; {report.MissingFiles} files were deleted by the server while the backup ran." : "."));
            return 0;
        }
        catch (IOException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return 1;
        }
    }

    private static string? OutOf(string[] args)
    {
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length)
                return args[i + 1];
            if (args[i].StartsWith("--out=", StringComparison.Ordinal))
                return args[i]["--out=".Length..];
        }

        return null;
    }
}
