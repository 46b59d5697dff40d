using Clap2Diffusion.Server.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Server.Persistence;

public sealed class StudioDbContext(DbContextOptions<StudioDbContext> options) : DbContext(options)
{
    public DbSet<JobEntity> Jobs => Set<JobEntity>();

    public DbSet<UploadEntity> Uploads => Set<UploadEntity>();

    public DbSet<ContentEntity> Contents => Set<ContentEntity>();

    public DbSet<RatingEntity> Ratings => Set<RatingEntity>();

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
            job.HasIndex(j => new { j.State, j.Number });
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
    }
}
