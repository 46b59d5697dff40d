namespace Clap2Diffusion.Engine.Cli;

/// <summary>Exit codes shared by every verb.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An internal error, or a check that ran and failed (check-weights, parity).</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or bad input; the message names the problem.</summary>
    public const int BadInput = 2;
}
