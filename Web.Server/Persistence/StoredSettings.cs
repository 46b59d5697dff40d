using System.Text.Json;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Persistence;

/// <summary>Values the server keeps across restarts in the settings table, as JSON under a key.</summary>
public sealed class StoredSettings(IDbContextFactory<StudioDbContext> contexts)
{
    /// <summary>The value stored under <paramref name="key"/>, or null when none is.</summary>
    public async Task<T?> ReadAsync<T>(string key, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, cancellationToken);
        return row is null ? default : JsonSerializer.Deserialize<T>(row.Value, json);
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing what was there.</summary>
    public async Task WriteAsync<T>(string key, T value, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var text = JsonSerializer.Serialize(value, json);
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (row is null)
            db.Settings.Add(new SettingEntity { Key = key, Value = text, UpdatedAt = DateTime.UtcNow });
        else
            (row.Value, row.UpdatedAt) = (text, DateTime.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
    }
}
