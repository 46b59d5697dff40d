using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>
/// Synthesises a scene's sound: the foreground event, the background source and the ambience, each with its
/// own character so a small CLAP can tell them apart. Every element recurs over the whole clip, so any crop a
/// feature extractor takes still holds all of them. All randomness comes from the given generator: the same
/// scene and seed give the same samples.
/// </summary>
public static class SceneSynthesizer
{
    public static float[] Synthesize(DemoScene scene, SeededRandom random, int sampleRate = 48000, double seconds = 10)
    {
        if (sampleRate is < 8000 or > 192000)
            throw new InputException($"sample rate {sampleRate} Hz is outside 8000-192000");
        if (seconds is <= 0 or > 600)
            throw new InputException($"duration {seconds} s is outside (0, 600]");

        var mix = new double[(int)Math.Round(sampleRate * seconds)];
        var noiseFloor = random.Fork(0);
        for (var i = 0; i < mix.Length; i++)
            mix[i] = 0.002 * noiseFloor.Gaussian();

        switch (scene.Ambience)
        {
            case "rain": AddRain(mix, random.Fork(1), sampleRate); break;
            case "wind": AddWind(mix, random.Fork(1), sampleRate); break;
            case "waves": AddWaves(mix, random.Fork(1), sampleRate); break;
        }
        switch (scene.Background)
        {
            case "engine": AddEngine(mix, random.Fork(2), sampleRate); break;
            case "chatter": AddChatter(mix, random.Fork(2), sampleRate); break;
        }
        switch (scene.Foreground)
        {
            case "barking": AddBarks(mix, random.Fork(3), sampleRate); break;
            case "bell": AddBells(mix, random.Fork(3), sampleRate); break;
            case "chirping": AddChirps(mix, random.Fork(3), sampleRate); break;
        }

        var peak = mix.Max(Math.Abs);
        var gain = peak > 0.9 ? 0.9 / peak : 1.0;
        return mix.Select(x => (float)(x * gain)).ToArray();
    }

    private static void AddBarks(double[] mix, SeededRandom random, int rate)
    {
        var f0 = random.Uniform(380, 620);
        for (var t = random.Uniform(0.05, 0.4); t < Seconds(mix, rate); t += random.Uniform(0.55, 1.1))
        {
            var barks = random.Chance(0.35) ? 2 : 1;
            for (var b = 0; b < barks; b++)
            {
                var start = t + b * 0.22;
                var length = random.Uniform(0.12, 0.2);
                var pitch = f0 * random.Uniform(0.9, 1.1);
                var noise = random.Fork((ulong)(start * 1000));
                Render(mix, rate, start, length, (time, i) =>
                {
                    var envelope = Math.Min(1, time / 0.01) * Math.Exp(-time / (length * 0.35));
                    var glide = pitch * (1 - 0.35 * time / length);
                    var tone = 0.0;
                    for (var h = 1; h <= 6; h++)
                        tone += Math.Sin(2 * Math.PI * glide * h * time) / h;
                    return 0.35 * envelope * (tone + 0.6 * noise.Gaussian());
                });
            }
        }
    }

    private static void AddBells(double[] mix, SeededRandom random, int rate)
    {
        double[] ratios = [1, 2.0, 2.76, 5.4, 8.93];
        double[] amplitudes = [1, 0.6, 0.4, 0.25, 0.15];
        var f0 = random.Uniform(600, 950);
        for (var t = random.Uniform(0, 0.5); t < Seconds(mix, rate); t += random.Uniform(1.1, 1.8))
        {
            var decay = random.Uniform(0.5, 0.9);
            Render(mix, rate, t, 1.6, (time, _) =>
            {
                var sum = 0.0;
                for (var p = 0; p < ratios.Length; p++)
                    sum += amplitudes[p] * Math.Exp(-time * (1 + p) / decay) * Math.Sin(2 * Math.PI * f0 * ratios[p] * time);
                return 0.22 * Math.Min(1, time / 0.002) * sum;
            });
        }
    }

    private static void AddChirps(double[] mix, SeededRandom random, int rate)
    {
        for (var t = random.Uniform(0, 0.3); t < Seconds(mix, rate); t += random.Uniform(0.45, 0.9))
        {
            var chirps = 2 + random.Next(4);
            var low = random.Uniform(3000, 4200);
            var high = random.Uniform(5200, 6800);
            for (var c = 0; c < chirps; c++)
            {
                var length = random.Uniform(0.04, 0.075);
                var (from, to) = random.Chance(0.7) ? (low, high) : (high, low);
                Render(mix, rate, t + c * random.Uniform(0.08, 0.12), length, (time, _) =>
                {
                    // A linear sweep: the phase integrates the instantaneous frequency.
                    var phase = 2 * Math.PI * (from * time + (to - from) * time * time / (2 * length));
                    var window = Math.Sin(Math.PI * time / length);
                    return 0.3 * window * window * Math.Sin(phase);
                });
            }
        }
    }

    private static void AddEngine(double[] mix, SeededRandom random, int rate)
    {
        var f0 = random.Uniform(42, 68);
        var wobble = random.Uniform(0.2, 0.6);
        var phase = 0.0;
        for (var i = 0; i < mix.Length; i++)
        {
            var time = (double)i / rate;
            var frequency = f0 * (1 + 0.03 * Math.Sin(2 * Math.PI * wobble * time));
            phase += 2 * Math.PI * frequency / rate;
            var tone = 0.0;
            for (var h = 1; h <= 10; h++)
                tone += Math.Sin(h * phase) / h;
            var firing = 0.75 + 0.25 * Math.Sin(phase / 2);
            mix[i] += 0.09 * firing * tone;
        }
    }

    private static void AddChatter(double[] mix, SeededRandom random, int rate)
    {
        double[] formants = [350, 550, 800, 1200, 1800, 2500];
        for (var voice = 0; voice < 4; voice++)
        {
            var voiceRandom = random.Fork((ulong)voice + 10);
            var level = voiceRandom.Uniform(0.5, 1);
            for (var t = voiceRandom.Uniform(0, 0.3); t < Seconds(mix, rate); t += voiceRandom.Uniform(0.14, 0.32))
            {
                var length = voiceRandom.Uniform(0.1, 0.22);
                var first = Biquad.BandPass(voiceRandom.Pick(formants), 4, rate);
                var second = Biquad.BandPass(voiceRandom.Pick(formants) * 1.6, 5, rate);
                var noise = voiceRandom.Fork((ulong)(t * 1000));
                Render(mix, rate, t, length, (time, _) =>
                {
                    var source = noise.Gaussian();
                    var window = Math.Sin(Math.PI * time / length);
                    return 0.3 * level * window * (first.Process(source) + 0.6 * second.Process(source));
                });
            }
        }
    }

    private static void AddRain(double[] mix, SeededRandom random, int rate)
    {
        var hiss = Biquad.HighPass(random.Uniform(1500, 2500), 0.7, rate);
        for (var i = 0; i < mix.Length; i++)
            mix[i] += 0.06 * hiss.Process(random.Gaussian());
        var drops = (int)(Seconds(mix, rate) * random.Uniform(35, 60));
        for (var d = 0; d < drops; d++)
        {
            var start = random.Uniform(0, Seconds(mix, rate));
            var frequency = random.Uniform(2500, 6000);
            var amplitude = random.Uniform(0.03, 0.12);
            Render(mix, rate, start, 0.012, (time, _) => amplitude * Math.Exp(-time / 0.003) * Math.Sin(2 * Math.PI * frequency * time));
        }
    }

    private static void AddWind(double[] mix, SeededRandom random, int rate)
    {
        var body = Biquad.LowPass(random.Uniform(350, 650), 0.9, rate);
        var howl = Biquad.BandPass(random.Uniform(500, 900), 8, rate);
        var gust = random.Uniform(0.15, 0.35);
        var gustPhase = random.Uniform(0, 2 * Math.PI);
        for (var i = 0; i < mix.Length; i++)
        {
            var time = (double)i / rate;
            var strength = 0.55 + 0.45 * Math.Sin(2 * Math.PI * gust * time + gustPhase);
            var source = random.Gaussian();
            mix[i] += strength * (0.35 * body.Process(source) + 0.5 * howl.Process(source));
        }
    }

    private static void AddWaves(double[] mix, SeededRandom random, int rate)
    {
        var wash = Biquad.LowPass(random.Uniform(700, 1100), 0.7, rate);
        var foam = Biquad.HighPass(3000, 0.7, rate);
        var period = random.Uniform(2.2, 3.2);
        var offset = random.Uniform(0, period);
        for (var i = 0; i < mix.Length; i++)
        {
            var time = (double)i / rate;
            var cycle = ((time + offset) % period) / period;
            // A swell that rises slowly and breaks quickly, once per period.
            var swell = cycle < 0.7 ? Math.Pow(cycle / 0.7, 2) : Math.Exp(-(cycle - 0.7) / 0.08);
            var source = random.Gaussian();
            mix[i] += (0.1 + 0.45 * swell) * wash.Process(source) + 0.05 * swell * foam.Process(source);
        }
    }

    private static double Seconds(double[] mix, int rate) => (double)mix.Length / rate;

    // Adds a short event starting at `start` seconds; the generator gets the time since the start and the sample index.
    private static void Render(double[] mix, int rate, double start, double length, Func<double, int, double> sample)
    {
        var first = (int)(start * rate);
        var count = (int)(length * rate);
        for (var k = 0; k < count && first + k < mix.Length; k++)
            mix[first + k] += sample((double)k / rate, first + k);
    }
}
