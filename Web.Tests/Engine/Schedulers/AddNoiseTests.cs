using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>The forward process q(x_t | x₀) that training and img2img use.</summary>
public sealed class AddNoiseTests
{
    [Fact]
    public void Ddim_noises_each_sample_to_its_own_training_timestep()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(SchedulerFixture.Sd15Config());
        using var generator = new Generator(11);
        var x0 = randn(3, 4, 8, 8, generator: generator);
        var noise = randn(3, 4, 8, 8, generator: generator);
        long[] t = [0, 500, 999];

        var noisy = scheduler.AddNoise(x0, noise, tensor(t));

        for (var i = 0; i < 3; i++)
        {
            double alpha_prod = scheduler.AlphasCumprod[t[i]].item<float>();
            TensorAssert.Close(noisy[i], Math.Sqrt(alpha_prod) * x0[i] + Math.Sqrt(1 - alpha_prod) * noise[i], atol: 1e-6);
        }
    }

    [Fact]
    public void One_timestep_applies_to_the_whole_batch_and_pndm_noises_like_ddim()
    {
        using var scope = NewDisposeScope();
        using var ddim = new DDIMScheduler(SchedulerFixture.Sd15Config());
        using var pndm = new PNDMScheduler(SchedulerFixture.Sd15Config());
        var x0 = randn(2, 4, 8, 8);
        var noise = randn(2, 4, 8, 8);

        var batch = ddim.AddNoise(x0, noise, tensor(new long[] { 700, 700 }));

        TensorAssert.Close(ddim.AddNoise(x0, noise, tensor(new long[] { 700 })), batch, atol: 0);
        TensorAssert.Close(pndm.AddNoise(x0, noise, tensor(new long[] { 700 })), batch, atol: 0);
    }

    [Fact]
    public void Velocity_target_recovers_x0_from_the_noisy_sample()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(SchedulerFixture.Sd15Config());
        var x0 = randn(2, 4, 8, 8);
        var noise = randn(2, 4, 8, 8);
        var t = tensor(new long[] { 100, 900 });

        var noisy = scheduler.AddNoise(x0, noise, t);
        var v = scheduler.GetVelocity(x0, noise, t);

        // x₀ = √ᾱ·x_t − √(1−ᾱ)·v.
        var alpha_prod = scheduler.AlphasCumprod.index_select(0, t).reshape(2, 1, 1, 1);
        TensorAssert.Close(alpha_prod.sqrt() * noisy - (1 - alpha_prod).sqrt() * v, x0, atol: 1e-5);
    }

    [Fact]
    public void Invalid_training_timesteps_are_refused()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(SchedulerFixture.Sd15Config());
        var x0 = zeros(2, 4, 2, 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.AddNoise(x0, x0, tensor(new long[] { 1000 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.AddNoise(x0, x0, tensor(new long[] { -1 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.AddNoise(x0, x0, tensor(new[] { 10.5f })));
        Assert.Throws<ArgumentException>(() => scheduler.AddNoise(x0, x0, tensor(new long[] { 1, 2, 3 })));
    }

    [Fact]
    public void Euler_noises_with_the_sigma_of_each_scheduled_timestep()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new EulerDiscreteScheduler(SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(20);
        var x0 = randn(2, 4, 8, 8);
        var noise = randn(2, 4, 8, 8);
        var t = scheduler.Timesteps.index_select(0, tensor(new long[] { 3, 12 }));

        var noisy = scheduler.AddNoise(x0, noise, t);

        TensorAssert.Close(noisy[0], x0[0] + scheduler.Sigmas![3].item<float>() * noise[0], atol: 1e-5);
        TensorAssert.Close(noisy[1], x0[1] + scheduler.Sigmas![12].item<float>() * noise[1], atol: 1e-5);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.AddNoise(x0, noise, tensor(new[] { 500.5f, 3f })));
    }

    [Fact]
    public void Dpm_solver_noises_in_the_variance_preserving_scale_like_ddim()
    {
        using var scope = NewDisposeScope();
        using var ddim = new DDIMScheduler(SchedulerFixture.Sd15Config());
        using var dpm = new DPMSolverMultistepScheduler(SchedulerFixture.Sd15Config());
        dpm.SetTimesteps(20);
        var x0 = randn(1, 4, 8, 8);
        var noise = randn(1, 4, 8, 8);
        var t = dpm.Timesteps[5..6];

        TensorAssert.Close(dpm.AddNoise(x0, noise, t), ddim.AddNoise(x0, noise, t), atol: 1e-6);
    }

    [Fact]
    public void Dpm_solver_needs_its_timesteps_before_noising()
    {
        using var scope = NewDisposeScope();
        using var dpm = new DPMSolverMultistepScheduler(SchedulerFixture.Sd15Config());

        Assert.Throws<InvalidOperationException>(() => dpm.AddNoise(zeros(1, 4, 2, 2), zeros(1, 4, 2, 2), tensor(new long[] { 999 })));
    }
}
