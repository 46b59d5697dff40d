namespace Clap2Diffusion.Server.Identity;

/// <summary>
/// Who the middleware found the request to be. <see cref="Held"/> is false for an id made up for this request only
/// (an API read with no id): such a caller may read, but owns nothing it could change.
/// </summary>
public sealed record ClientIdentity(string Id, bool Held);
