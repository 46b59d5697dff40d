using System.Runtime.CompilerServices;
using Clap2Diffusion.Engine.Benchmarks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Benchmarks;

/// <summary>
/// The soak reads the process's live tensor count around forced collections; another test making or dropping
/// tensors meanwhile would move it, so these run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTensorCountCollection
{
    public const string Name = "The process's live tensor count";
}

[Collection(ProcessTensorCountCollection.Name)]
public sealed class SoakPhaseTests
{
    [Fact]
    public void A_tensor_left_to_the_garbage_collector_is_counted_as_finalised_and_a_disposed_one_is_not()
    {
        var disposed = Phase(unit => zeros(2).Dispose());
        var dropped = Phase(_ => DropOne());

        Assert.Equal((0.0, 0.0), (disposed["p.finalised_tensors"], disposed["p.units_off_baseline"]));
        Assert.Equal(3.0, dropped["p.finalised_tensors"]);
    }

    [Fact]
    public void TorchSharp_keeps_counting_the_tensor_a_parameter_was_made_from_after_both_are_gone()
    {
        // Why the soak's "live tensors left" rises by one per parameter when a phase builds and disposes a model,
        // with nothing alive: the parameter takes the tensor's handle, and the emptied tensor is never counted off.
        SoakPhase.CollectAndCountFinalised();
        var before = Tensor.TotalCount;

        using (new Parameter(zeros(3))) { }
        SoakPhase.CollectAndCountFinalised();

        Assert.Equal(before + 1, Tensor.TotalCount);
    }

    private static Dictionary<string, double> Phase(Action<int> unit)
    {
        var phase = new SoakPhase("p", 3);
        phase.Begin();
        for (var i = 1; i <= 3; i++)
        {
            unit(i);
            phase.UnitDone(i, TextWriter.Null);
        }
        return phase.End(0, 3).ToDictionary(f => f.Name, f => f.Value);
    }

    // Out of line, so that no local of the caller keeps the tensor reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropOne() => zeros(2);
}
