using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Clap2Diffusion.Engine.Training.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, decoupled weight decay) with PyTorch's update order. Written here rather than
/// taken from TorchSharp (whose optimizer also saves and restores its state exactly) for three reasons: its moments
/// are keyed by the parameter's state-dict name, so a checkpoint stores them as <c>{name}.exp_avg</c> in safetensors
/// beside the adapters, readable from Python, and a resume matches them by name and shape, with an error naming the
/// parameter, instead of by position in a parameter list; it keeps the engine's memory rules (each parameter's
/// temporaries in a dispose scope, scalars made and disposed explicitly, since implicit ones can be finalised on
/// another thread while a native call still reads them); and a parameter without a gradient gets no state, as in
/// PyTorch, so stage 2 saves moments only for what it trains.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly List<(string Name, Parameter Parameter)> parameters;
    private readonly Dictionary<string, (Tensor ExpAvg, Tensor ExpAvgSq)> moments = new(StringComparer.Ordinal);

    public AdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, double betas1 = 0.9, double betas2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2)
    {
        this.parameters = parameters.ToList();
        Beta1 = betas1;
        Beta2 = betas2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Eps { get; }

    public double WeightDecay { get; }

    /// <summary>Number of updates taken so far (bias corrections use it).</summary>
    public long Step { get; private set; }

    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters => parameters;

    public void ZeroGrad()
    {
        // Each read of .grad makes a new tensor handle: the scope frees them here rather than the finaliser later.
        using var scope = NewDisposeScope();
        foreach (var (_, parameter) in parameters)
            parameter.grad?.zero_();
    }

    public void Update(double learningRate)
    {
        Step++;
        var biasCorrection1 = 1 - Math.Pow(Beta1, Step);
        var biasCorrection2 = 1 - Math.Pow(Beta2, Step);
        // Scalars are made explicitly and disposed at the end: TorchSharp's implicit double-to-Scalar temporaries
        // can be finalised by a collection on another thread while the native call still reads them.
        using var decay = (1 - learningRate * WeightDecay).ToScalar();
        using var beta1 = Beta1.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var rootCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
        using var eps = Eps.ToScalar();
        using var stepSize = (-learningRate / biasCorrection1).ToScalar();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            using var scope = NewDisposeScope();
            var grad = parameter.grad;
            if (grad is null)
                continue;
            if (!moments.TryGetValue(name, out var state))
            {
                state = (zeros_like(parameter).DetachFromDisposeScope(), zeros_like(parameter).DetachFromDisposeScope());
                moments[name] = state;
            }
            // 1. decoupled weight decay; 2. moment updates; 3. bias-corrected step.
            parameter.mul_(decay);
            state.ExpAvg.mul_(beta1).add_(grad, alpha: oneMinusBeta1);
            state.ExpAvgSq.mul_(beta2).addcmul_(grad, grad, value: oneMinusBeta2);
            var denominator = state.ExpAvgSq.sqrt().div_(rootCorrection2).add_(eps, Scalars.One);
            parameter.addcdiv_(state.ExpAvg, denominator, value: stepSize);
        }
    }

    /// <summary>The state as named tensors plus the step count, for a checkpoint.</summary>
    public (Dictionary<string, Tensor> Tensors, long Step) State()
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, (expAvg, expAvgSq)) in moments)
        {
            tensors[$"{name}.exp_avg"] = expAvg;
            tensors[$"{name}.exp_avg_sq"] = expAvgSq;
        }
        return (tensors, Step);
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, long step)
    {
        foreach (var (_, (a, b)) in moments)
        {
            a.Dispose();
            b.Dispose();
        }
        moments.Clear();
        foreach (var (name, parameter) in parameters)
        {
            if (!tensors.TryGetValue($"{name}.exp_avg", out var expAvg) || !tensors.TryGetValue($"{name}.exp_avg_sq", out var expAvgSq))
                continue;
            if (!expAvg.shape.SequenceEqual(parameter.shape) || !expAvgSq.shape.SequenceEqual(parameter.shape))
                throw new InputException($"optimizer state for '{name}' has shape [{string.Join(", ", expAvg.shape)}], the parameter [{string.Join(", ", parameter.shape)}]");
            moments[name] = (expAvg.to(parameter.dtype, parameter.device).clone().DetachFromDisposeScope(),
                expAvgSq.to(parameter.dtype, parameter.device).clone().DetachFromDisposeScope());
        }
        Step = step;
    }

    public void Dispose()
    {
        foreach (var (_, (a, b)) in moments)
        {
            a.Dispose();
            b.Dispose();
        }
        moments.Clear();
    }
}
