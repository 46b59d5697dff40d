using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Study;

/// <summary>
/// Whether a browser that has no session in a study may start one, by the study's access mode: anyone (open), the
/// holder of an unused invitation, or a panel participant id that has no session yet. A refusal because the
/// invitation or id already has its session is recorded (once per browser), so the results can report it.
/// </summary>
public static class StudyAdmission
{
    /// <summary>A refusal stage, or null and what the new session is bound to (its panel id or invitation).</summary>
    public sealed record Decision(ParticipantStage? Refusal, string? PanelId, InvitationEntity? Invitation)
    {
        public static Decision Admit(string? panelId = null, InvitationEntity? invitation = null) => new(null, panelId, invitation);

        public static Decision Refuse(ParticipantStage stage) => new(stage, null, null);
    }

    public static async Task<Decision> DecideAsync(StudioDbContext db, StudyEntity study, string clientId, StudyLink link,
        CancellationToken cancellationToken)
    {
        switch (study.Access)
        {
            case StudyAccess.Invitations:
                var token = link[StudyLink.InvitationParameter];
                var invitation = token is not null && StudyMedia.IsToken(token)
                    ? await db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.StudyId == study.Id && i.Token == token, cancellationToken)
                    : null;
                if (invitation is null)
                    return Decision.Refuse(ParticipantStage.NeedsTicket);
                if (invitation.UsedAt is not null)
                    return await DuplicateAsync(db, study, clientId, "invitation already used", cancellationToken);
                return Decision.Admit(invitation: invitation);
            case StudyAccess.Panel:
                var panelId = link[study.PanelIdParameter];
                if (!StudyLink.IsPanelId(panelId))
                    return Decision.Refuse(ParticipantStage.NeedsTicket);
                if (await db.Participants.AnyAsync(p => p.StudyId == study.Id && p.PanelId == panelId, cancellationToken))
                    return await DuplicateAsync(db, study, clientId, $"panel id {panelId} already has a session", cancellationToken);
                return Decision.Admit(panelId: panelId);
            default:
                return Decision.Admit();
        }
    }

    private static async Task<Decision> DuplicateAsync(StudioDbContext db, StudyEntity study, string clientId, string reason,
        CancellationToken cancellationToken)
    {
        if (!await db.RefusedSessions.AnyAsync(r => r.StudyId == study.Id && r.ClientId == clientId, cancellationToken))
        {
            var refused = new RefusedSessionEntity
            {
                Id = Guid.NewGuid(), StudyId = study.Id, ClientId = clientId, Reason = reason, RefusedAt = DateTime.UtcNow,
            };
            db.RefusedSessions.Add(refused);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same browser was refused a moment ago on another request; one row is what counts.
                db.Entry(refused).State = EntityState.Detached;
            }
        }

        return Decision.Refuse(ParticipantStage.Duplicate);
    }
}
