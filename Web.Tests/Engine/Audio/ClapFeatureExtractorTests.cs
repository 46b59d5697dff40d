using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>Known answers of the CLAP feature extractor (laion/clap-htsat-unfused settings unless a test says otherwise).</summary>
public sealed class ClapFeatureExtractorTests(ITestOutputHelper output) : IDisposable
{
    private static readonly ClapFeatureExtractor Extractor = new(ClapFeatureExtractorConfig.HtsatUnfused);

    private readonly TempFolder folder = new("clap-features");

    public void Dispose() => folder.Dispose();

    private static float[] Synthesize(int rate, double seconds, Func<double, double> signal) =>
        Enumerable.Range(0, (int)Math.Round(rate * seconds)).Select(n => (float)signal((double)n / rate)).ToArray();

    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(40)]
    [InlineData(60)]
    public void A_pure_tone_lands_in_the_mel_bin_its_frequency_predicts(int mel)
    {
        var frequency = Extractor.MelFiltersSlaney.CentreFrequencies[mel];
        var tone = Synthesize(48000, 10, t => 0.5 * Math.Sin(2 * Math.PI * frequency * t));

        var features = Extractor.Extract(tone, 0);

        for (var frame = 100; frame < 900; frame += 100)
        {
            var loudest = Enumerable.Range(0, 64).MaxBy(m => features[frame, m]);
            Assert.Equal(mel, loudest);
        }
    }

    [Fact]
    public void Silence_gives_the_floor_everywhere()
    {
        var features = Extractor.Extract(new float[48000], 0);

        Assert.Equal(1001 * 64, features.Values.Length);
        Assert.All(features.Values, v => Assert.Equal(-100f, v));
    }

    [Fact]
    public void A_three_second_clip_is_repeated_three_times_then_padded_with_zeros_to_1001_frames()
    {
        var clip = Synthesize(48000, 3, t => 0.3 * Math.Sin(2 * Math.PI * 700 * t) * (1 + Math.Sin(2 * Math.PI * 0.7 * t)));

        var features = Extractor.Extract(clip, 0);

        Assert.Equal(1001, features.Frames);
        Assert.False(features.IsLonger);
        // The tiles repeat every 3 s = 300 hops, so frames whose windows lie inside the tiles repeat too ...
        for (var frame = 2; frame + 300 <= 898; frame++)
            for (var m = 0; m < 64; m++)
                Assert.Equal(features[frame, m], features[frame + 300, m]);
        // ... and from 9 s + half a window on, only the zero padding is left.
        for (var frame = 902; frame < 1001; frame++)
            for (var m = 0; m < 64; m++)
                Assert.Equal(-100f, features[frame, m]);
        Assert.True(Enumerable.Range(0, 64).Max(m => features[450, m]) > 0);
    }

    [Fact]
    public void A_twenty_second_clip_is_cropped_to_ten_seconds_at_a_reported_offset()
    {
        var clip = Synthesize(48000, 20, t => 0.3 * Math.Sin(2 * Math.PI * (100 * t + 20 * t * t)));

        var features = Extractor.Extract(clip, new Random(1234));
        var again = Extractor.Extract(clip, new Random(1234));

        Assert.True(features.IsLonger);
        Assert.InRange(features.CropOffset, 0, 480000);
        Assert.Equal(features.CropOffset, again.CropOffset);
        Assert.Equal(features.Values, Extractor.Extract(clip, features.CropOffset).Values);
        Assert.Equal(features.Values, Extractor.Extract(clip.AsSpan(features.CropOffset, 480000), 0).Values);
        var offsets = Enumerable.Range(0, 20).Select(seed => Extractor.Extract(clip, new Random(seed)).CropOffset).Distinct();
        Assert.True(offsets.Count() > 15);
        output.WriteLine($"seed 1234 crops at sample {features.CropOffset}");
    }

    [Fact]
    public void Crop_offsets_outside_the_clip_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Extractor.Extract(new float[480010], 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => Extractor.Extract(new float[1000], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Extractor.Extract(new float[480010], -1));
    }

    [Fact]
    public void Empty_or_non_finite_clips_are_input_errors()
    {
        Assert.Throws<InputException>(() => Extractor.Extract([], 0));
        Assert.Throws<InputException>(() => Extractor.Extract([0.1f, float.PositiveInfinity], 0));
    }

    /// <summary>
    /// A signal band-limited below 7 kHz, made at 44.1 and 16 kHz and resampled to 48 kHz, gives the features of
    /// the same signal made at 48 kHz: within 0.01 dB in every bin within 60 dB of the peak (the resampler is
    /// flat there to about 2e-5 dB; the residue is its -100 dB stopband and float32 rounding).
    /// </summary>
    [Theory]
    [InlineData(44100)]
    [InlineData(16000)]
    public void Features_survive_resampling_from_other_rates(int rate)
    {
        static double Signal(double t)
        {
            var fade = Math.Min(1, Math.Min(t, 10 - t) / 0.1);
            var envelope = 0.5 - 0.5 * Math.Cos(Math.PI * Math.Clamp(fade, 0, 1));
            return envelope * (0.3 * Math.Sin(2 * Math.PI * 220 * t) + 0.2 * Math.Sin(2 * Math.PI * 1234.5 * t) * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 0.5 * t)) +
                               0.1 * Math.Sin(2 * Math.PI * (3000 * t + 150 * t * t)) + 0.05 * Math.Sin(2 * Math.PI * 6500 * t));
        }

        var reference = Extractor.Extract(Synthesize(48000, 10, Signal), 0);
        var clip = AudioClip.FromSamples(Synthesize(rate, 10, Signal), rate);

        var features = Extractor.Extract(clip, new Random(0));

        Assert.False(features.IsLonger);
        var peak = reference.Values.Max();
        double maxError = 0;
        var compared = 0;
        for (var i = 0; i < reference.Values.Length; i++)
        {
            if (reference.Values[i] < peak - 60)
                continue;
            compared++;
            maxError = Math.Max(maxError, Math.Abs(reference.Values[i] - features.Values[i]));
        }
        output.WriteLine($"{rate} Hz: {compared} bins within 60 dB of the peak, max |error| {maxError:G3} dB");
        Assert.True(compared > 10000);
        Assert.True(maxError <= 0.01, $"max error {maxError:G3} dB");
    }

    [Fact]
    public void A_smaller_demo_configuration_is_read_from_preprocessor_config_json()
    {
        File.WriteAllText(folder.File("preprocessor_config.json"), """
            {
              "feature_extractor_type": "ClapFeatureExtractor",
              "feature_size": 32, "sampling_rate": 16000, "hop_length": 160, "max_length_s": 5,
              "fft_window_size": 400, "frequency_min": 50, "frequency_max": 7600, "top_db": null,
              "truncation": "rand_trunc", "padding": "repeatpad", "padding_value": 0.0, "nb_max_samples": 80000,
              "processor_class": "ClapProcessor", "return_attention_mask": false
            }
            """);

        var extractor = ClapFeatureExtractor.FromPretrained(folder.Path);
        var features = extractor.Extract(AudioClip.FromSamples(Synthesize(48000, 1, t => 0.4 * Math.Sin(2 * Math.PI * 1000 * t)), 48000), new Random(0));

        Assert.Equal(80000, extractor.Config.MaxSamples);
        Assert.Equal(501, features.Frames);
        Assert.Equal(32, features.Mels);
        using var tensor = features.ToTensor();
        Assert.Equal([1L, 1, 501, 32], tensor.shape);
        var centre = extractor.MelFiltersSlaney.CentreFrequencies;
        var expected = Enumerable.Range(0, 32).MinBy(m => Math.Abs(centre[m] - 1000));
        Assert.Equal(expected, Enumerable.Range(0, 32).MaxBy(m => features[250, m]));
    }

    [Theory]
    [InlineData("""{"truncation": "fusion"}""", "truncation 'fusion' belongs to the fused CLAP checkpoints")]
    [InlineData("""{"truncation": "rand_trunc", "padding": "mirror"}""", "padding 'mirror' is not one of")]
    [InlineData("""{"truncation": "rand_trunc", "hop_length": 0}""", "hop_length must be positive")]
    [InlineData("""{"truncation": "rand_trunc", "max_length_s": 0.00001}""", "whole number of samples")]
    [InlineData("""{"truncation": "rand_trunc", "frequency_min": 9000, "frequency_max": 100}""", "frequency_min 9000")]
    public void Unsupported_or_invalid_configurations_are_refused_with_the_reason(string json, string reason)
    {
        var path = folder.File("preprocessor_config.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<InputException>(() => ClapFeatureExtractor.FromPretrained(folder.Path));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Batches_stack_to_the_models_input_shape()
    {
        var a = Extractor.Extract(new float[1000], 0);
        var b = Extractor.Extract(new float[500000], 7);

        using var batch = ClapFeatures.Stack([a, b]);
        using var longer = ClapFeatures.IsLongerTensor([a, b]);

        Assert.Equal([2L, 1, 1001, 64], batch.shape);
        Assert.Equal([false, true], longer.data<bool>().ToArray());
    }
}
