using Clap2Diffusion.Engine;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>An upload was refused; the message says why in words the uploader can act on.</summary>
public sealed class UploadRejectedException(string message, int statusCode = StatusCodes.Status400BadRequest) : InputException(message)
{
    public int StatusCode { get; } = statusCode;
}
