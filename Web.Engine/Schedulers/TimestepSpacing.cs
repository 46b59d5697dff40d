namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// How inference timesteps are laid over the training range (Lin et al. 2023, "Common Diffusion Noise
/// Schedules and Sample Steps are Flawed", Table 2).
/// </summary>
public enum TimestepSpacing
{
    /// <summary>0, k, 2k, … plus <c>steps_offset</c>, with k = N / n rounded down; never reaches t = N−1.</summary>
    Leading,

    /// <summary>n points evenly spaced over [0, N−1], both ends included.</summary>
    Linspace,

    /// <summary>N−1, N−1−N/n, …: starts at the last training step.</summary>
    Trailing,
}
