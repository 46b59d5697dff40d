using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>The diffusers 0.27.2 scheduler fixtures in <c>shared/parity/diffusers/schedulers</c> (see its README §3).</summary>
internal static class SchedulerFixture
{
    /// <summary>Fixture files, named as the factory names the samplers.</summary>
    public static readonly string[] Names = ["ddim", "pndm", "lms", "euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_karras"];

    public static readonly int[] StepCounts = [20, 25, 50];

    public static string PathOf(string file) => SharedData.PathOf("parity", "diffusers", "schedulers", file);

    /// <summary>SD 1.5's <c>scheduler/scheduler_config.json</c> with prediction_type spelled out.</summary>
    public static SchedulerConfig Sd15Config() => SchedulerConfig.Read(PathOf("sd15_scheduler_config.json"));

    public static Tensor Load(string file, string key)
    {
        using var safetensors = SafeTensorsFile.Open(PathOf(file + ".safetensors"));
        return safetensors.Load(key);
    }

    public static bool Has(string file, string key)
    {
        using var safetensors = SafeTensorsFile.Open(PathOf(file + ".safetensors"));
        return safetensors.Contains(key);
    }

    /// <summary>The README's fake model: eps(x, t) = 0.1·x·cos(t/100) + 0.01·sin(t), all float32.</summary>
    public static Tensor FakeEpsilon(Tensor x, double timestep)
    {
        using var scope = NewDisposeScope();
        var t = tensor((float)timestep);
        return (0.1 * x * (t / 100).cos() + 0.01 * t.sin()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The README's loop, with a dispose scope per step as the pipeline has, so tensors a scheduler keeps
    /// between steps must survive the caller's scopes. Calls <paramref name="observe"/> with
    /// (index, model input, model output, new latents).
    /// </summary>
    public static Tensor RunLoop(DiffusionScheduler scheduler, Tensor start, Action<int, Tensor, Tensor, Tensor>? observe = null)
    {
        var latents = start.alias();
        for (var i = 0; i < scheduler.TimestepValues.Length; i++)
        {
            using var scope = NewDisposeScope();
            var t = scheduler.TimestepValues[i];
            var x_in = scheduler.ScaleModelInput(latents, t);
            var eps = FakeEpsilon(x_in, t);
            var next = scheduler.Step(eps, t, latents).PrevSample;
            observe?.Invoke(i, x_in, eps, next);
            latents.Dispose();
            latents = next.MoveToOuterDisposeScope();
        }
        return latents;
    }

    /// <summary>The README's check for loops: max|Δ| ≤ 1e-5·max(1, absmax of the reference).</summary>
    public static double LoopTolerance(Tensor expected) => 1e-5 * Math.Max(1, expected.abs().max().item<float>());
}
