using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Persistence;

public sealed class StudioDbContext(DbContextOptions<StudioDbContext> options) : DbContext(options)
{
    public DbSet<JobEntity> Jobs => Set<JobEntity>();

    public DbSet<UploadEntity> Uploads => Set<UploadEntity>();

    public DbSet<ContentEntity> Contents => Set<ContentEntity>();

    public DbSet<RatingEntity> Ratings => Set<RatingEntity>();

    public DbSet<AccountEntity> Accounts => Set<AccountEntity>();

    public DbSet<StudyEntity> Studies => Set<StudyEntity>();

    public DbSet<StudyItemEntity> StudyItems => Set<StudyItemEntity>();

    public DbSet<ParticipantEntity> Participants => Set<ParticipantEntity>();

    public DbSet<TrialEntity> Trials => Set<TrialEntity>();

    public DbSet<InvitationEntity> Invitations => Set<InvitationEntity>();

    public DbSet<RefusedSessionEntity> RefusedSessions => Set<RefusedSessionEntity>();

    public DbSet<RunEntity> Runs => Set<RunEntity>();

    public DbSet<MetricEntity> Metrics => Set<MetricEntity>();

    public DbSet<RunArtifactEntity> RunArtifacts => Set<RunArtifactEntity>();

    public DbSet<SettingEntity> Settings => Set<SettingEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<JobEntity>(job =>
        {
            job.HasKey(j => j.Number);
            job.HasAlternateKey(j => j.Id);
            job.Property(j => j.OwnerId).HasMaxLength(64);
            job.Property(j => j.Kind).HasConversion<string>().HasMaxLength(16);
            job.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
            job.Property(j => j.Relation).HasConversion<string>().HasMaxLength(16);
            job.Property(j => j.TextOnlyImage).HasMaxLength(64);
            job.Property(j => j.AudioConditionedImage).HasMaxLength(64);
            job.Property(j => j.InitImage).HasMaxLength(64);
            job.Property(j => j.Worker).HasMaxLength(64);
            job.Property(j => j.StreamEntry).HasMaxLength(64);
            job.Property(j => j.ModelSet).HasMaxLength(16);
            job.Property(j => j.DispatchSet).HasMaxLength(16);
            job.HasIndex(j => new { j.State, j.Number });
            job.HasIndex(j => new { j.State, j.Round, j.Number });
            job.HasIndex(j => new { j.OwnerId, j.State });
            job.HasOne(j => j.Upload).WithMany().HasForeignKey(j => j.UploadId).OnDelete(DeleteBehavior.Restrict);
            job.HasMany(j => j.Ratings).WithOne().HasForeignKey(r => r.JobId).HasPrincipalKey(j => j.Id)
                .OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<UploadEntity>(upload =>
        {
            upload.HasKey(u => u.Id);
            upload.Property(u => u.OwnerId).HasMaxLength(64);
            upload.Property(u => u.ContentHash).HasMaxLength(64);
            upload.Property(u => u.FileName).HasMaxLength(128);
            upload.HasIndex(u => new { u.OwnerId, u.ContentHash }).IsUnique();
            upload.HasIndex(u => u.ContentHash);
        });

        modelBuilder.Entity<ContentEntity>(content =>
        {
            content.HasKey(c => c.Hash);
            content.Property(c => c.Hash).HasMaxLength(64);
            content.Property(c => c.Extension).HasMaxLength(8);
        });

        modelBuilder.Entity<RatingEntity>(rating =>
        {
            rating.HasKey(r => new { r.JobId, r.RaterId });
            rating.Property(r => r.RaterId).HasMaxLength(64);
            rating.Property(r => r.Verdict).HasConversion<string>().HasMaxLength(16);
        });

        OnAdminModelCreating(modelBuilder);
    }

    private static void OnAdminModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AccountEntity>(account =>
        {
            account.Property(a => a.SessionStamp).HasMaxLength(32);
            account.HasKey(a => a.Id);
            account.Property(a => a.Email).HasMaxLength(256);
            account.HasIndex(a => a.Email).IsUnique();
        });

        modelBuilder.Entity<StudyEntity>(study =>
        {
            study.HasKey(s => s.Id);
            study.Property(s => s.JoinCode).HasMaxLength(32);
            study.HasIndex(s => s.JoinCode).IsUnique();
            study.Property(s => s.Name).HasMaxLength(120);
            study.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
            study.Property(s => s.Access).HasConversion<string>().HasMaxLength(16);
            study.Property(s => s.PanelIdParameter).HasMaxLength(64);
            study.Property(s => s.CompletionCode).HasMaxLength(64);
            study.Property(s => s.CompletionUrl).HasMaxLength(2000);
            study.HasMany(s => s.Invitations).WithOne().HasForeignKey(i => i.StudyId).OnDelete(DeleteBehavior.Cascade);
            study.HasMany(s => s.Items).WithOne().HasForeignKey(i => i.StudyId).OnDelete(DeleteBehavior.Cascade);
            study.HasMany(s => s.Participants).WithOne().HasForeignKey(p => p.StudyId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<StudyItemEntity>(item =>
        {
            item.HasKey(i => i.Id);
            item.Property(i => i.State).HasConversion<string>().HasMaxLength(16);
            item.Property(i => i.Relation).HasConversion<string>().HasMaxLength(16);
            item.Property(i => i.TargetImage).HasMaxLength(64);
            item.Property(i => i.OtherImage).HasMaxLength(64);
            item.Property(i => i.Audio).HasMaxLength(64);
            item.HasIndex(i => i.JobId);
        });

        modelBuilder.Entity<ParticipantEntity>(participant =>
        {
            participant.HasKey(p => p.Id);
            participant.Property(p => p.ClientId).HasMaxLength(64);
            participant.HasIndex(p => new { p.StudyId, p.ClientId }).IsUnique();
            participant.Property(p => p.PanelId).HasMaxLength(128);
            participant.HasIndex(p => new { p.StudyId, p.PanelId }).IsUnique();
            participant.HasIndex(p => p.InvitationId).IsUnique();
            participant.HasMany(p => p.Trials).WithOne().HasForeignKey(t => t.ParticipantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TrialEntity>(trial =>
        {
            trial.HasKey(t => t.Id);
            trial.HasIndex(t => new { t.ParticipantId, t.ItemId }).IsUnique();
            trial.HasIndex(t => new { t.ParticipantId, t.Order }).IsUnique();
            trial.Property(t => t.LeftToken).HasMaxLength(32);
            trial.Property(t => t.RightToken).HasMaxLength(32);
            trial.Property(t => t.AudioToken).HasMaxLength(32);
            trial.HasIndex(t => t.LeftToken).IsUnique();
            trial.HasIndex(t => t.RightToken).IsUnique();
            trial.HasIndex(t => t.AudioToken).IsUnique();
            trial.Property(t => t.Choice).HasConversion<string>().HasMaxLength(16);
            trial.HasOne(t => t.Item).WithMany().HasForeignKey(t => t.ItemId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<InvitationEntity>(invitation =>
        {
            invitation.HasKey(i => i.Id);
            invitation.Property(i => i.Token).HasMaxLength(32);
            invitation.HasIndex(i => i.Token).IsUnique();
        });

        modelBuilder.Entity<RefusedSessionEntity>(refused =>
        {
            refused.HasKey(r => r.Id);
            refused.Property(r => r.ClientId).HasMaxLength(64);
            refused.Property(r => r.Reason).HasMaxLength(160);
            refused.HasIndex(r => new { r.StudyId, r.ClientId }).IsUnique();
            refused.HasOne<StudyEntity>().WithMany().HasForeignKey(r => r.StudyId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<RunEntity>(run =>
        {
            run.HasKey(r => r.Number);
            run.HasAlternateKey(r => r.Id);
            run.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
            run.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            run.Property(r => r.Title).HasMaxLength(200);
            run.Property(r => r.Worker).HasMaxLength(64);
            run.HasIndex(r => new { r.State, r.Number });
        });

        modelBuilder.Entity<MetricEntity>(metric =>
        {
            metric.HasKey(m => m.Id);
            metric.Property(m => m.Kind).HasMaxLength(16);
            metric.Property(m => m.Name).HasMaxLength(200);
            metric.HasIndex(m => new { m.RunId, m.Name, m.Step });
            metric.HasOne<RunEntity>().WithMany().HasForeignKey(m => m.RunId).HasPrincipalKey(r => r.Id).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<RunArtifactEntity>(artifact =>
        {
            artifact.HasKey(a => a.Id);
            artifact.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
            artifact.HasIndex(a => new { a.RunId, a.Kind, a.Step });
            artifact.HasOne<RunEntity>().WithMany().HasForeignKey(a => a.RunId).HasPrincipalKey(r => r.Id).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SettingEntity>(setting =>
        {
            setting.HasKey(s => s.Key);
            setting.Property(s => s.Key).HasMaxLength(64);
        });
    }
}
