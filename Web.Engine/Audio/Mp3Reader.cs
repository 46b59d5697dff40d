using NLayer;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// MPEG audio (layers I to III) through NLayer. The stream length is not known up front, so the frame limit
/// is enforced while decoding. NLayer does not trim the encoder delay (as ffmpeg does with a LAME header), so
/// a clip starts with the codec's few hundred samples of priming silence.
/// </summary>
internal static class Mp3Reader
{
    public static AudioClip Decode(byte[] data, int offset, string origin, AudioLimits limits, CancellationToken cancellationToken)
    {
        return ThirdPartyDecoder.Guard(origin, "MP3", () =>
        {
            using var stream = new MemoryStream(data, offset, data.Length - offset, writable: false);
            using var mpeg = new MpegFile(stream);
            var sampleRate = mpeg.SampleRate;
            var channels = mpeg.Channels;
            limits.CheckFormat(origin, sampleRate, channels);
            var buffer = new MonoBuffer(origin, limits, sampleRate, channels);
            var chunk = new float[4608 * channels];
            int read;
            while ((read = mpeg.ReadSamples(chunk, 0, chunk.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                buffer.AddInterleaved(chunk.AsSpan(0, read - read % channels));
            }
            limits.CheckDecoded(origin, buffer.Count, sampleRate);
            return new AudioClip(buffer.ToArray(), sampleRate,
                new AudioSourceInfo(AudioContainer.Mp3, "mp3", sampleRate, channels, 0, false));
        });
    }
}
