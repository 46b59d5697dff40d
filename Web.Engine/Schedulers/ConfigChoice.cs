namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>Turns a config string into one of the values a scheduler class supports, or a clear input error.</summary>
internal static class ConfigChoice
{
    public static T Parse<T>(string? value, string key, string scheduler, params (string Name, T Choice)[] choices)
    {
        foreach (var (name, choice) in choices)
            if (string.Equals(name, value, StringComparison.Ordinal))
                return choice;
        var shown = value is null ? "null" : $"'{value}'";
        throw new InputException(
            $"scheduler config: {key} {shown} is not supported by {scheduler}; choose one of: {string.Join(", ", choices.Select(c => c.Name))}");
    }

    public static PredictionType Prediction(SchedulerConfig config, string scheduler, params PredictionType[] supported) =>
        Parse(config.PredictionType, "prediction_type", scheduler, supported.Select(p => (Name(p), p)).ToArray());

    public static TimestepSpacing Spacing(SchedulerConfig config, string scheduler, TimestepSpacing classDefault) =>
        config.TimestepSpacing is null
            ? classDefault
            : Parse(config.TimestepSpacing, "timestep_spacing", scheduler,
                ("leading", TimestepSpacing.Leading), ("linspace", TimestepSpacing.Linspace), ("trailing", TimestepSpacing.Trailing));

    public static string Name(PredictionType prediction) => prediction switch
    {
        PredictionType.Epsilon => "epsilon",
        PredictionType.VPrediction => "v_prediction",
        PredictionType.Sample => "sample",
        _ => throw new ArgumentOutOfRangeException(nameof(prediction)),
    };
}
