using System.Text;
using Clap2Diffusion.Server.Accounts;
using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Clap2Diffusion.Server.Study;

public static class StudyEndpoints
{
    /// <summary>
    /// <c>/study-media/{token}</c>: a trial's image or clip, for the participant whose trial it is and nobody else.
    /// The token is random per trial and side, so the address tells nothing about the job or the condition;
    /// the answer is not cached, carries no file name, and is the study's metadata-free copy.
    /// <c>/admin/studies/{id}/votes.csv</c>: every vote, for admins.
    /// </summary>
    public static IEndpointRouteBuilder MapStudyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/study-media/{token}", async (string token, HttpContext context, IDbContextFactory<StudioDbContext> contexts, StudyMedia media,
                CancellationToken cancellationToken) =>
            {
                if (!StudyMedia.IsToken(token))
                    return Results.NotFound();
                var clientId = context.ClientId();
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                var found = await (
                        from trial in db.Trials
                        join participant in db.Participants on trial.ParticipantId equals participant.Id
                        join item in db.StudyItems on trial.ItemId equals item.Id
                        where participant.ClientId == clientId
                              && (trial.LeftToken == token || trial.RightToken == token || trial.AudioToken == token)
                        select new { item.StudyId, trial.LeftToken, trial.AudioToken, trial.TargetOnLeft, item.TargetImage, item.OtherImage, item.Audio })
                    .FirstOrDefaultAsync(cancellationToken);
                if (found is null)
                    return Results.NotFound();
                var (file, mediaType) = token == found.AudioToken
                    ? (found.Audio, "audio/wav")
                    : ((token == found.LeftToken) == found.TargetOnLeft ? found.TargetImage : found.OtherImage, "image/png");
                var path = media.PathOf(found.StudyId, file!);
                if (!File.Exists(path))
                    return Results.NotFound();
                context.Response.Headers[HeaderNames.CacheControl] = "no-store";
                context.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
                return Results.File(path, mediaType, enableRangeProcessing: true);
            })
            .ExcludeFromDescription();

        app.MapGet("/admin/studies/{id:guid}/votes.csv", async (Guid id, StudyAdminService studies, CancellationToken cancellationToken) =>
                await studies.ExportAsync(id, cancellationToken) is { } export
                    ? Results.File(Encoding.UTF8.GetBytes(StudyCsv.Write(export.Votes, export.Conduct)), "text/csv; charset=utf-8", $"study-{id:N}-votes.csv")
                    : Results.NotFound())
            .RequireAuthorization(AdminClaims.Policy)
            .ExcludeFromDescription();
        return app;
    }
}
