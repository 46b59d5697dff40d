using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights.Lora;

/// <summary>
/// LoRA files merged into a pipeline's weights for one job: <c>W += scale * alpha / r * up @ down</c> for every
/// update, and on <see cref="Dispose"/> every changed weight gets its original bytes back, so jobs with and without a
/// LoRA can follow each other on the same models. Every key is resolved and checked before any weight changes, so
/// a bad file changes nothing. A file with scale 0 is skipped entirely: its image is exactly the one without it.
/// </summary>
public sealed class AppliedLoras : IDisposable
{
    private readonly List<(Parameter Weight, Tensor Original)> saved = [];

    private AppliedLoras()
    {
    }

    /// <summary>How many module weights the LoRAs changed.</summary>
    public int ModulesChanged => saved.Count;

    public static AppliedLoras Apply(LoraTargets targets, IReadOnlyList<(LoraFile File, double Scale)> loras)
    {
        var plan = new List<(Parameter Weight, LoraFile.RawUpdate Update, double Scale)>();
        foreach (var (file, scale) in loras)
        {
            if (!double.IsFinite(scale))
                throw new InputException($"LoRA scale for {file.Path} must be a finite number, not {scale}");
            foreach (var update in file.Updates)
            {
                var (weight, _) = targets.Resolve(file, update);
                if (scale != 0)
                    plan.Add((weight, update, scale));
            }
        }

        var applied = new AppliedLoras();
        try
        {
            using var noGrad = no_grad();
            foreach (var (weight, update, scale) in plan)
            {
                if (!applied.saved.Any(s => ReferenceEquals(s.Weight, weight)))
                    applied.saved.Add((weight, weight.detach().clone().DetachFromDisposeScope()));
                using var scope = NewDisposeScope();
                using var factor = (scale * update.Alpha / update.Rank).ToScalar();
                var delta = update.Up.flatten(1).matmul(update.Down.flatten(1)).mul(factor).view(weight.shape);
                weight.add_(delta.to(weight.dtype, weight.device), Scalars.One);
            }
            return applied;
        }
        catch
        {
            applied.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        using (no_grad())
            foreach (var (weight, original) in saved)
            {
                weight.copy_(original);
                original.Dispose();
            }
        saved.Clear();
    }
}
