using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>A request checked against the running engine: its limits and abilities, the client's upload, the storage quota.</summary>
/// <param name="Refusal">Why the request cannot be queued; null when it can.</param>
public sealed record CheckedSubmission(EngineInfo? Engine, UploadEntity? Upload, SubmitResult? Refusal);

/// <summary>Checks a request before any limit is counted against its client, so a refused request costs them nothing.</summary>
public sealed class SubmissionCheck(EngineState engine, IDbContextFactory<StudioDbContext> contexts, ContentStore content)
{
    public async Task<CheckedSubmission> CheckAsync(string clientId, JobRequest request, CancellationToken cancellationToken)
    {
        if (engine.Status is not { Ready: true, Info: { } info })
            return new(null, null, SubmitResult.Refused(SubmitProblem.EngineUnavailable, engine.Status.Problem ?? "The engine is not ready."));
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
}
