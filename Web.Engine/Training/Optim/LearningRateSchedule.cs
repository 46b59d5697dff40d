namespace Clap2Diffusion.Engine.Training.Optim;

/// <summary>Linear warm-up to the base rate, then constant or cosine decay to a floor.</summary>
public sealed record LearningRateSchedule(double BaseRate, int WarmupSteps, int TotalSteps, string Decay = "constant", double MinRatio = 0.0)
{
    public static readonly IReadOnlyList<string> DecayNames = ["constant", "cosine", "linear"];

    public double At(long step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps)
            return BaseRate * (step + 1) / WarmupSteps;
        var progress = TotalSteps <= WarmupSteps ? 1.0 : Math.Clamp((double)(step - WarmupSteps) / (TotalSteps - WarmupSteps), 0, 1);
        var factor = Decay switch
        {
            "cosine" => MinRatio + (1 - MinRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            "linear" => MinRatio + (1 - MinRatio) * (1 - progress),
            _ => 1.0,
        };
        return BaseRate * factor;
    }

    public void Validate()
    {
        if (BaseRate <= 0 || double.IsNaN(BaseRate))
            throw new InputException($"learning rate must be positive, not {BaseRate}");
        if (WarmupSteps < 0)
            throw new InputException($"warm-up steps must be 0 or more, not {WarmupSteps}");
        if (!DecayNames.Contains(Decay))
            throw new InputException($"learning-rate decay '{Decay}' is not one of {string.Join(", ", DecayNames)}");
    }
}
