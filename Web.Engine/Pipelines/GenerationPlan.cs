namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>A request with every default resolved and every value checked.</summary>
internal sealed record GenerationPlan(
    string Prompt,
    string NegativePrompt,
    int Steps,
    long Seed,
    int Width,
    int Height,
    string? SchedulerName,
    double TextScale,
    double AudioScale,
    InitImageInput? InitImage,
    GenerationParameters Parameters);
