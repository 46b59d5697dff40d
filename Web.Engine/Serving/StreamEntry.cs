namespace Clap2Diffusion.Engine.Serving;

/// <summary>One work stream entry a worker holds: the job and the release number the front end wrote it with.</summary>
public sealed record StreamEntry(string Id, Guid Job, long Dispatch);
