using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// What every ported scheduler shares (diffusers' <c>SchedulerMixin</c> plus the methods its pipelines
/// call): the training noise schedule, the inference timesteps, input scaling, one denoising step and
/// forward noising. A scheduler knows nothing of the model: it maps (model output, t, x_t) to x_{t−1}.
/// <para>
/// Ownership: <see cref="Timesteps"/>, <see cref="Sigmas"/> and the schedule tables belong to the
/// scheduler (do not dispose them); every tensor a method returns is new and belongs to the caller.
/// Tensors the scheduler keeps between steps are detached from the caller's dispose scope, so a scope
/// per step is safe. Dispose the scheduler to free them.
/// </para>
/// </summary>
public abstract class DiffusionScheduler : IDisposable
{
    private Tensor timesteps;
    private Tensor? sigmas;

    protected DiffusionScheduler(SchedulerConfig config, bool rescaleBetasZeroSnr, bool zeroSnrFinalAlphaCumprod = false)
    {
        // The stored config names this class, as diffusers' from_config records it.
        Config = config with { ClassName = GetType().Name };
        NumTrainTimesteps = config.NumTrainTimesteps;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var betas = NoiseSchedule.Betas(config, Name, rescaleBetasZeroSnr);
        var alphas = betas.neg().add(Scalars.OneDouble, Scalars.One);
        var alphas_cumprod = alphas.cumprod(0);
        // With zero terminal SNR ᾱ_N is 0, and σ = √((1−ᾱ)/ᾱ) would be infinite; diffusers substitutes 2⁻²⁴.
        if (rescaleBetasZeroSnr && zeroSnrFinalAlphaCumprod)
        {
            using var smallest = Math.Pow(2, -24).ToScalar();
            alphas_cumprod[NumTrainTimesteps - 1].fill_(smallest);
        }
        Betas = betas.DetachFromDisposeScope();
        Alphas = alphas.DetachFromDisposeScope();
        AlphasCumprod = alphas_cumprod.DetachFromDisposeScope();
        AlphasCumprodValues = AlphasCumprod.data<float>().ToArray();
        timesteps = empty(0, ScalarType.Int64).DetachFromDisposeScope();
    }

    /// <summary>The config this scheduler was built from, with <c>_class_name</c> set to its class.</summary>
    public SchedulerConfig Config { get; }

    /// <summary>The upstream class name (<c>DDIMScheduler</c>, …).</summary>
    public string Name => GetType().Name;

    public int NumTrainTimesteps { get; }

    /// <summary>β, α = 1 − β and ᾱ = ∏α, float32 [N] on the CPU, computed as diffusers does.</summary>
    public Tensor Betas { get; }

    public Tensor Alphas { get; }

    public Tensor AlphasCumprod { get; }

    /// <summary>ᾱ as float32 values, for the scalar arithmetic of a step.</summary>
    protected float[] AlphasCumprodValues { get; }

    /// <summary>The timesteps to feed the model, in order: Int64 (DDIM, PNDM, DPM-Solver), Float32 (Euler, LMS) or Float64 (LMS with Karras σ), as in diffusers.</summary>
    public Tensor Timesteps => timesteps;

    /// <summary>The same timesteps as doubles (exact for both dtypes); pass these to <see cref="Step"/>.</summary>
    public double[] TimestepValues { get; private set; } = [];

    /// <summary>σ for each timestep plus the final one, float32 [n+1], for σ-parameterised schedulers; null otherwise.</summary>
    public Tensor? Sigmas => sigmas;

    protected float[] SigmaValues { get; private set; } = [];

    public int? NumInferenceSteps { get; protected set; }

    /// <summary>The standard deviation of the initial noise: multiply unit Gaussian latents by it.</summary>
    public abstract double InitNoiseSigma { get; }

    /// <summary>Model calls per timestep; img2img pipelines start at <c>Timesteps[tStart · Order]</c>. 1 for every ported class.</summary>
    public virtual int Order => 1;

    /// <summary>Index of the timestep the next <see cref="Step"/> handles, once known (σ-indexed schedulers).</summary>
    public int? StepIndex { get; protected set; }

    /// <summary>Where an img2img run enters the schedule; see <see cref="SetBeginIndex"/>.</summary>
    public int? BeginIndex { get; private set; }

    /// <summary>Source of Gaussian noise for stochastic steps; the process-wide torch generator unless set.</summary>
    public INoiseSource NoiseSource { get; set; } = GeneratorNoiseSource.ProcessDefault;

    /// <summary>Chooses the inference timesteps and resets all per-run state.</summary>
    public abstract void SetTimesteps(int numInferenceSteps);

    /// <summary>
    /// Tells a σ-indexed scheduler that the run starts at <c>Timesteps[beginIndex]</c> (img2img: the
    /// pipeline passes <c>tStart · Order</c>), so <see cref="AddNoise"/> and the first step use that index
    /// instead of searching for the timestep. DDIM and PNDM look timesteps up directly and ignore it.
    /// </summary>
    public void SetBeginIndex(int beginIndex)
    {
        if (beginIndex < 0 || beginIndex >= TimestepValues.Length)
            throw new ArgumentOutOfRangeException(nameof(beginIndex),
                $"begin index {beginIndex} is outside the {TimestepValues.Length} timesteps of {Name}");
        BeginIndex = beginIndex;
    }

    /// <summary>The model input for timestep t (σ schedulers divide by √(σ²+1)); a new tensor.</summary>
    public virtual Tensor ScaleModelInput(Tensor sample, double timestep) => sample.alias();

    /// <summary>One reverse-diffusion step from x_t to x_{t−1}, given the model output at t.</summary>
    public abstract SchedulerOutput Step(Tensor modelOutput, double timestep, Tensor sample);

    /// <summary>Forward process q(x_t | x₀): noises clean samples to the given timesteps (training, img2img).</summary>
    public abstract Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps);

    protected void CheckInferenceSteps(int numInferenceSteps)
    {
        if (numInferenceSteps < 1 || numInferenceSteps > NumTrainTimesteps)
            throw new InputException(
                $"{Name}: num_inference_steps {numInferenceSteps} must be between 1 and num_train_timesteps ({NumTrainTimesteps})");
    }

    protected int RequireInferenceSteps() =>
        NumInferenceSteps ?? throw new InvalidOperationException($"{Name}: call SetTimesteps before stepping");

    /// <summary>Installs a new schedule (the scheduler takes ownership of both tensors) and clears the run state.</summary>
    protected void ReplaceSchedule(Tensor newTimesteps, Tensor? newSigmas)
    {
        timesteps.Dispose();
        sigmas?.Dispose();
        timesteps = newTimesteps.DetachFromDisposeScope();
        sigmas = newSigmas?.DetachFromDisposeScope();
        using (var asDouble = timesteps.to_type(ScalarType.Float64))
            TimestepValues = asDouble.data<double>().ToArray();
        SigmaValues = sigmas is null ? [] : sigmas.data<float>().ToArray();
        StepIndex = null;
        BeginIndex = null;
    }

    /// <summary>
    /// diffusers' <c>index_for_timestep</c>: the position of t in the schedule. When t occurs twice, the
    /// second match is taken, so a run that starts mid-schedule (img2img) does not skip a σ.
    /// </summary>
    protected virtual int IndexForTimestep(double timestep)
    {
        var matches = MatchingIndices(timestep);
        return matches.Count switch
        {
            0 => throw new ArgumentOutOfRangeException(nameof(timestep), $"timestep {timestep} is not one of {Name}'s timesteps"),
            1 => matches[0],
            _ => matches[1],
        };
    }

    protected List<int> MatchingIndices(double timestep)
    {
        var matches = new List<int>(2);
        for (var i = 0; i < TimestepValues.Length; i++)
            if (TimestepValues[i] == timestep)
                matches.Add(i);
        return matches;
    }

    /// <summary>The step index for the current call: fixed by the first call of a run, then counted.</summary>
    protected int CurrentStepIndex(double timestep)
    {
        StepIndex ??= BeginIndex ?? IndexForTimestep(timestep);
        return StepIndex.Value;
    }

    /// <summary>diffusers' choice of σ indices in <c>add_noise</c> for σ-indexed schedulers.</summary>
    protected long[] NoiseStepIndices(Tensor timesteps)
    {
        if (BeginIndex is null)
        {
            using var scope = NewDisposeScope();
            return timesteps.to_type(ScalarType.Float64, copy: false).cpu().data<double>().ToArray().Select(t => (long)IndexForTimestep(t)).ToArray();
        }
        var index = StepIndex ?? BeginIndex.Value;
        return Enumerable.Repeat((long)index, (int)timesteps.numel()).ToArray();
    }

    /// <summary>Per-sample values shaped [k, 1, 1, …] to broadcast against <paramref name="like"/>.</summary>
    internal static Tensor PerSample(Tensor values, Tensor like)
    {
        var shape = new long[Math.Max(like.dim(), 1)];
        Array.Fill(shape, 1L);
        shape[0] = values.numel();
        if (values.numel() != 1 && values.numel() != like.shape[0])
            throw new ArgumentException($"{values.numel()} timesteps cannot be applied to a batch of {like.shape[0]}");
        return values.flatten().reshape(shape);
    }

    /// <summary>A handle for a tensor the scheduler keeps across steps, outside any caller's dispose scope.</summary>
    protected static Tensor Keep(Tensor tensor) => tensor.alias().DetachFromDisposeScope();

    protected Tensor DrawNoise(Tensor like) => NoiseSource.Next(like.shape, like.dtype, like.device);

    /// <summary>Frees tensors kept between steps (multistep histories).</summary>
    protected virtual void ClearHistory()
    {
    }

    public void Dispose()
    {
        ClearHistory();
        timesteps.Dispose();
        sigmas?.Dispose();
        Betas.Dispose();
        Alphas.Dispose();
        AlphasCumprod.Dispose();
        GC.SuppressFinalize(this);
    }
}
