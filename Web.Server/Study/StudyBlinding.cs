using System.Security.Claims;
using Clap2Diffusion.Server.Accounts;
using Clap2Diffusion.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Study;

/// <summary>
/// The one rule every public path asks before it shows a job or its images: a job that belongs to a study (made
/// for it, or a gallery pair chosen for it) is for admins only, because its labelled images tell which side of a
/// trial heard the sound. Participants see the study's own copies under per-trial tokens instead.
/// </summary>
public sealed class StudyBlinding(IDbContextFactory<StudioDbContext> contexts)
{
    public static bool IsAdmin(ClaimsPrincipal? user) => user?.IsInRole(AdminClaims.Role) == true;

    public async Task<bool> HidesJobAsync(Guid jobId, ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        if (IsAdmin(user))
            return false;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.StudyItems.AnyAsync(i => i.JobId == jobId, cancellationToken);
    }

    /// <summary>
    /// Whether a stored file (by content hash) is a labelled image of a study's job. The content store shares one
    /// file among identical images, so the file is hidden whichever job it was handed out for.
    /// </summary>
    public async Task<bool> IsStudyContentAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await (
                from item in db.StudyItems
                join job in db.Jobs on item.JobId equals job.Id
                where job.TextOnlyImage == hash || job.AudioConditionedImage == hash
                select item.Id)
            .AnyAsync(cancellationToken);
    }
}
