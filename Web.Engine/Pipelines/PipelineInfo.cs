namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>What is loaded, for the About page, PNG parameters and logs: folders and SHA-256 weight hashes.</summary>
public sealed record PipelineInfo(
    string ModelFolder,
    string ModelName,
    string ModelHash,
    string? ClapFolder,
    string? ClapHash,
    string? AdaptersFolder,
    string? AdaptersHash,
    string Device,
    bool ClapReadsText,
    IReadOnlyList<string>? KnownWords);
