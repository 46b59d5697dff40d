using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Clap2Diffusion.Server.Persistence;

/// <summary>Lets <c>dotnet ef</c> build the model without starting the app (and its engine).</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<StudioDbContext>
{
    public StudioDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<StudioDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
