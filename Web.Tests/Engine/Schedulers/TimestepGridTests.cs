using Clap2Diffusion.Engine.Schedulers;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>The numpy semantics the timestep grids depend on.</summary>
public sealed class TimestepGridTests
{
    [Fact]
    public void Linspace_hits_both_ends_exactly()
    {
        var grid = TimestepGrid.Linspace(0, 999, 20);

        Assert.Equal(20, grid.Length);
        Assert.Equal(0, grid[0]);
        Assert.Equal(999, grid[^1]);
        Assert.Equal(999.0 / 19, grid[1]);
        Assert.Equal([3.5], TimestepGrid.Linspace(3.5, 9, 1));
    }

    [Fact]
    public void Arange_takes_the_ceiling_of_the_span_over_the_step()
    {
        Assert.Equal([1000, 950, 900], TimestepGrid.Arange(1000, 850, -50));
        Assert.Equal(7, TimestepGrid.Arange(1000, 0, -1000.0 / 7).Length);
        Assert.Equal(8, TimestepGrid.Arange(1000, 0, -140).Length);
        Assert.Empty(TimestepGrid.Arange(0, 10, -1));
    }

    [Fact]
    public void Round_takes_halves_to_even_like_numpy()
    {
        Assert.Equal([0, 2, 2, 4, -2], TimestepGrid.Round([0.5, 1.5, 2.5, 3.5, -2.5]));
    }

    [Fact]
    public void Interp_is_linear_between_grid_points_and_clamped_outside()
    {
        float[] table = [1f, 3f, 7f];

        Assert.Equal(2.0, TimestepGrid.Interp(0.5, table));
        Assert.Equal(6.0, TimestepGrid.Interp(1.75, table));
        Assert.Equal(7.0, TimestepGrid.Interp(2, table));
        Assert.Equal(1.0, TimestepGrid.Interp(-4, table));
        Assert.Equal(7.0, TimestepGrid.Interp(9, table));
    }

    [Theory]
    [InlineData("leading")]
    [InlineData("linspace")]
    [InlineData("trailing")]
    public void Pndm_plms_runs_ddims_timesteps_with_the_second_one_repeated(string spacing)
    {
        var config = SchedulerFixture.Sd15Config() with { TimestepSpacing = spacing };
        using var ddim = new DDIMScheduler(config);
        using var pndm = new PNDMScheduler(config);
        ddim.SetTimesteps(25);
        pndm.SetTimesteps(25);

        var expected = ddim.TimestepValues.Take(2).Concat(ddim.TimestepValues.Skip(1));
        Assert.Equal(expected, pndm.TimestepValues);
    }
}
