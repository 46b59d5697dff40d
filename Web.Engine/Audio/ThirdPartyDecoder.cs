namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// NLayer and NVorbis report malformed input with whatever exception their code happens to raise
/// (InvalidDataException, IndexOutOfRangeException, ArgumentException ...). Decoding untrusted bytes, every
/// such failure means "this file is corrupt", so it becomes an <see cref="AudioFormatException"/>.
/// </summary>
internal static class ThirdPartyDecoder
{
    public static AudioClip Guard(string origin, string format, Func<AudioClip> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception error) when (error is not (InputException or OperationCanceledException or OutOfMemoryException))
        {
            throw new AudioFormatException(origin, $"corrupt {format} data ({error.GetType().Name}: {error.Message})", error);
        }
    }
}
