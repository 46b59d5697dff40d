namespace Clap2Diffusion.Engine.Audio;

/// <summary>Ogg Vorbis through NVorbis (first logical stream only), without NVorbis's clipping to [-1, 1].</summary>
internal static class VorbisReader
{
    public static AudioClip Decode(byte[] data, string origin, AudioLimits limits, CancellationToken cancellationToken)
    {
        var length = OggPages.CompleteLength(data, origin);
        return ThirdPartyDecoder.Guard(origin, "Ogg Vorbis", () =>
        {
            using var stream = new MemoryStream(data, 0, length, writable: false);
            using var vorbis = new NVorbis.VorbisReader(stream, closeOnDispose: false);
            vorbis.ClipSamples = false;
            var sampleRate = vorbis.SampleRate;
            var channels = vorbis.Channels;
            limits.CheckFormat(origin, sampleRate, channels);
            var expected = vorbis.TotalSamples;
            if (expected > 0)
                limits.CheckFrameCount(origin, expected, sampleRate);
            var buffer = new MonoBuffer(origin, limits, sampleRate, channels, Math.Max(0, expected));
            var chunk = new float[4096 * channels];
            int read;
            while ((read = vorbis.ReadSamples(chunk, 0, chunk.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                buffer.AddInterleaved(chunk.AsSpan(0, read - read % channels));
            }
            limits.CheckDecoded(origin, buffer.Count, sampleRate);
            return new AudioClip(buffer.ToArray(), sampleRate,
                new AudioSourceInfo(AudioContainer.OggVorbis, "vorbis", sampleRate, channels, 0, false));
        });
    }
}
