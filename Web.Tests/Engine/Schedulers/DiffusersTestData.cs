using Clap2Diffusion.Engine.Schedulers;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>
/// The deterministic inputs and the dummy model of diffusers' own scheduler tests
/// (<c>tests/schedulers/test_schedulers.py</c> at v0.27.2), so their asserted golden sums can be checked here.
/// </summary>
internal static class DiffusersTestData
{
    private const int BatchSize = 4, Channels = 3, Height = 8, Width = 8;

    /// <summary><c>dummy_sample_deter</c>: arange(768)/768 laid out as [C, H, W, B], then permuted to [B, C, H, W].</summary>
    public static Tensor SampleDeter() => Deterministic(flip: false);

    /// <summary><c>dummy_noise_deter</c>: the same ramp reversed.</summary>
    public static Tensor NoiseDeter() => Deterministic(flip: true);

    private static Tensor Deterministic(bool flip)
    {
        using var scope = NewDisposeScope();
        const int count = BatchSize * Channels * Height * Width;
        var ramp = arange(count, ScalarType.Float32);
        if (flip)
            ramp = ramp.flip(-1);
        var sample = (ramp.reshape(Channels, Height, Width, BatchSize) / (float)count).permute(3, 0, 1, 2);
        return sample.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary><c>dummy_model</c>: sample·t/(t+1), with t cast to float32.</summary>
    public static Tensor DummyModel(Tensor sample, double timestep)
    {
        var t = (float)timestep;
        using var scaled = sample * t;
        return scaled / (t + 1);
    }

    /// <summary>The tests' result_sum and result_mean: Σ|x| and mean |x|, reduced in float32 like torch.</summary>
    public static (double Sum, double Mean) SumAndMean(Tensor sample)
    {
        using var scope = NewDisposeScope();
        var abs = sample.abs();
        return (abs.sum().item<float>(), abs.mean().item<float>());
    }

    /// <summary>diffusers' plain loop (DDIM, PNDM, DPM tests): no input scaling.</summary>
    public static Tensor PlainLoop(DiffusionScheduler scheduler, Tensor sample, IEnumerable<double> timesteps)
    {
        var current = sample.alias();
        foreach (var t in timesteps)
        {
            using var residual = DummyModel(current, t);
            var next = scheduler.Step(residual, t, current).PrevSample;
            current.Dispose();
            current = next;
        }
        return current;
    }

    /// <summary>
    /// diffusers' σ-scheduler loop (Euler, Euler ancestral, LMS tests). Those tests overwrite the sample with
    /// the scaled model input before stepping; that quirk is part of their golden values.
    /// </summary>
    public static Tensor ScaledLoop(DiffusionScheduler scheduler, Tensor sample, IEnumerable<double> timesteps)
    {
        var current = sample.alias();
        foreach (var t in timesteps)
        {
            var scaled = scheduler.ScaleModelInput(current, t);
            current.Dispose();
            using var model_output = DummyModel(scaled, t);
            current = scheduler.Step(model_output, t, scaled).PrevSample;
            scaled.Dispose();
        }
        return current;
    }

    /// <summary>The tests' base configs: SD-like linear β from 1e-4 to 0.02.</summary>
    public static SchedulerConfig LinearConfig(int trainTimesteps) => new()
    {
        NumTrainTimesteps = trainTimesteps,
        BetaStart = 0.0001,
        BetaEnd = 0.02,
        BetaSchedule = "linear",
    };
}
