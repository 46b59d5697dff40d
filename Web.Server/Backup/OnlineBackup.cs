using Clap2Diffusion.Server.Persistence;
using Microsoft.Data.Sqlite;

namespace Clap2Diffusion.Server.Backup;

/// <summary>What a backup holds: the database's moment, and how many content files and keys came with it.</summary>
public sealed record BackupReport(string Folder, DateTime TakenAt, int Jobs, int ContentFiles, int Keys, int MissingFiles);

/// <summary>
/// A consistent backup of a running server's data folder, made without stopping it: the database by SQLite's
/// <c>VACUUM INTO</c> (one read transaction, so one moment), the content files that moment refers to, and the Data
/// Protection keys (client ids and admin cookies stay valid on the restored server). Content files are named by
/// their hash and never change, so copying them all before the snapshot and the newcomers after it gives every file
/// the snapshot names, unless one was both made and deleted while the backup ran (counted in
/// <see cref="BackupReport.MissingFiles"/>; the restored server's sweep then drops its row).
/// </summary>
public sealed class OnlineBackup(StoragePaths paths)
{
    public async Task<BackupReport> TakeAsync(string folder, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(folder);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new IOException($"The backup folder {target} is not empty; give a new or empty folder.");
        if (!File.Exists(paths.Database))
            throw new FileNotFoundException($"There is no database at {paths.Database}: is Storage:DataFolder the server's?", paths.Database);
        var content = Path.Combine(target, "content");
        Directory.CreateDirectory(content);

        var copied = CopyContent(paths.ContentFolder, content, only: null);
        var database = Path.Combine(target, "studio.db");
        var takenAt = DateTime.UtcNow;
        await SnapshotAsync(database, cancellationToken);
        var (named, jobs) = await ReadSnapshotAsync(database, cancellationToken);
        copied.UnionWith(CopyContent(paths.ContentFolder, content, named));
        foreach (var extra in copied.Except(named))
            File.Delete(Path.Combine(content, extra[..2], extra));

        var keys = Path.Combine(target, "keys");
        Directory.CreateDirectory(keys);
        var keyFiles = Directory.Exists(paths.KeysFolder) ? Directory.GetFiles(paths.KeysFolder, "*.xml") : [];
        foreach (var key in keyFiles)
            File.Copy(key, Path.Combine(keys, Path.GetFileName(key)));

        var missing = named.Count(name => !File.Exists(Path.Combine(content, name[..2], name)));
        return new BackupReport(target, takenAt, jobs, named.Count - missing, keyFiles.Length, missing);
    }

    private async Task SnapshotAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={paths.Database};Mode=ReadOnly;Default Timeout=30;Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $target";
        command.Parameters.AddWithValue("$target", database);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The file names (<c>hash.ext</c>) the snapshot's content rows name, and its job count.</summary>
    private static async Task<(HashSet<string> Files, int Jobs)> ReadSnapshotAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(cancellationToken);
        var files = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT Hash, Extension FROM Contents";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                files.Add($"{reader.GetString(0)}.{reader.GetString(1)}");
        }

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Jobs";
        return (files, Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Copies the finished content files (<paramref name="only"/> those, when given) not copied yet; returns the names now in the backup.</summary>
    private static HashSet<string> CopyContent(string source, string target, IReadOnlySet<string>? only)
    {
        var copied = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(source))
            return copied;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".partial", StringComparison.Ordinal) || name.Length < 3 || only?.Contains(name) == false)
                continue;
            var destination = Path.Combine(target, name[..2], name);
            if (File.Exists(destination))
            {
                copied.Add(name);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            try
            {
                File.Copy(file, destination);
                copied.Add(name);
            }
            catch (FileNotFoundException)
            {
                // Deleted by the server since it was listed; the snapshot decides whether it is needed.
            }
        }

        return copied;
    }
}
