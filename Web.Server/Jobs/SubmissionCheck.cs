using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>A request checked against the running engine: its limits and abilities, the client's upload, the storage quota.</summary>
/// <param name="Refusal">Why the request cannot be queued; null when it can.</param>
public sealed record CheckedSubmission(EngineInfo? Engine, UploadEntity? Upload, SubmitResult? Refusal);

/// <summary>Checks a request before any limit is counted against its client, so a refused request costs them nothing.</summary>
public sealed class SubmissionCheck(EngineState engine, IDbContextFactory<StudioDbContext> contexts, ContentStore content, FleetModels fleet,
    IOptions<EngineServiceOptions> mode)
{
    public async Task<CheckedSubmission> CheckAsync(string clientId, JobRequest request, CancellationToken cancellationToken)
    {
        if (engine.Status is not { Ready: true, Info: { } active })
            return new(null, null, SubmitResult.Refused(SubmitProblem.EngineUnavailable, engine.Status.Problem ?? "The engine is not ready."));
        if (ModelSetProblem(request.ModelSet, active) is { } wrongSet)
            return new(active, null, SubmitResult.Refused(SubmitProblem.Invalid, wrongSet));
        // A job for another set is checked against what that set accepts.
        var info = request.ModelSet is { } named && named != active.ModelSet && fleet.Describe(named) is { } other
            ? EngineInfos.From(other) with { Loras = active.Loras }
            : active;
        var problems = info.Limits.Check(request.Settings, info.Schedulers, info.Loras).ToList();
        if (request.Kind == JobKind.Pair && !info.AudioConditioningAvailable)
            problems.Add("The active model has no audio adapters, so it can only make text-only images.");
        UploadEntity? upload = null;
        if (request.AudioUploadId is { } uploadId)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            upload = await db.Uploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == uploadId && u.OwnerId == clientId, cancellationToken);
            if (upload is null)
                problems.Add("The audio clip was not found among your uploads (unused uploads expire); upload it again.");
        }

        if (request.Settings.InitImage is { } initImage && !(ContentStore.IsHash(initImage) && File.Exists(content.PathOf(initImage, "png"))))
            problems.Add("The image to edit was not found on this server (unused images expire); choose it again.");

        if (problems.Count > 0)
            return new(info, upload, SubmitResult.Refused(SubmitProblem.Invalid, [.. problems]));
        if (await content.QuotaProblemAsync(0, cancellationToken) is { } full)
            return new(info, upload, SubmitResult.Refused(SubmitProblem.StorageFull, full));
        return new(info, upload, null);
    }

    private string? ModelSetProblem(string? set, EngineInfo active)
    {
        if (set is null || set == active.ModelSet)
            return null;
        if (!ModelSetKey.IsWellFormed(set))
            return $"'modelSet' must be a model set key of {ModelSetKey.Length} lowercase hex digits, as /health lists them.";
        if (!mode.Value.UsesWorkers)
            return $"This server runs one model set in-process ({active.ModelSet}); it cannot run model set {set}.";
        return fleet.Describe(set) is null ? $"No engine worker has ever announced model set {set}; /health lists the known ones." : null;
    }
}
