using Clap2Diffusion.Engine.Audio;

namespace Clap2Diffusion.Tests.Engine.Audio;

public sealed class MelFilterBankTests
{
    [Fact]
    public void Scales_have_their_known_values()
    {
        Assert.Equal(15.0, MelFilterBank.HertzToMel(1000, MelScale.Slaney), 12);
        Assert.Equal(0.75, MelFilterBank.HertzToMel(50, MelScale.Slaney), 12);
        Assert.Equal(15.0 + 27.0, MelFilterBank.HertzToMel(6400, MelScale.Slaney), 12);
        Assert.Equal(1000.0, MelFilterBank.HertzToMel(1000, MelScale.Htk), 1);
        Assert.Equal(2595.0 * Math.Log10(2), MelFilterBank.HertzToMel(700, MelScale.Htk), 12);
        foreach (var scale in new[] { MelScale.Slaney, MelScale.Htk })
            foreach (var hertz in new[] { 0.0, 50, 999, 1000, 4321.5, 14000, 24000 })
                Assert.Equal(hertz, MelFilterBank.MelToHertz(MelFilterBank.HertzToMel(hertz, scale), scale), 9);
    }

    [Fact]
    public void Htk_filters_without_norm_are_unit_height_triangles_between_their_neighbours_centres()
    {
        // 16 kHz, n_fft 512: bins every 31.25 Hz.
        var bank = new MelFilterBank(257, 10, 0, 8000, 16000, MelScale.Htk, slaneyNorm: false);
        var centres = bank.CentreFrequencies;

        for (var m = 0; m < bank.Mels; m++)
        {
            var low = m == 0 ? 0 : centres[m - 1];
            var high = m == bank.Mels - 1 ? 8000 : centres[m + 1];
            for (var b = 0; b < bank.FrequencyBins; b++)
            {
                var f = b * 31.25;
                var expected = f <= centres[m] ? (f - low) / (centres[m] - low) : (high - f) / (high - centres[m]);
                Assert.Equal(Math.Max(0, expected), bank[b, m], 12);
            }
        }
    }

    [Fact]
    public void Slaney_norm_gives_each_filter_unit_area_over_frequency()
    {
        // Area of a triangle of height 2/(f2 - f0) over base f2 - f0 is 1; sampled at 1 Hz spacing the sum of
        // weights approximates it.
        var bank = new MelFilterBank(24001, 40, 100, 10000, 48000, MelScale.Slaney, slaneyNorm: true);

        for (var m = 0; m < bank.Mels; m++)
        {
            var area = Enumerable.Range(0, bank.FrequencyBins).Sum(b => bank[b, m]);
            Assert.InRange(area, 0.999, 1.001);
        }
    }

    [Fact]
    public void Apply_equals_the_dense_product()
    {
        var bank = new MelFilterBank(513, 64, 50, 14000, 48000, MelScale.Slaney, slaneyNorm: true);
        var random = new Random(3);
        var power = Enumerable.Range(0, 513).Select(_ => random.NextDouble()).ToArray();
        var mel = new double[64];

        bank.Apply(power, mel);

        for (var m = 0; m < 64; m++)
            Assert.Equal(Enumerable.Range(0, 513).Sum(b => bank[b, m] * power[b]), mel[m], 14);
    }
}
