namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>What the denoising model predicts (diffusers' <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary>The added noise ε (<c>epsilon</c>; SD 1.5).</summary>
    Epsilon,

    /// <summary>v = √ᾱ·ε − √(1−ᾱ)·x₀ (<c>v_prediction</c>; Salimans and Ho 2022, SD 2.x 768).</summary>
    VPrediction,

    /// <summary>The clean sample x₀ itself (<c>sample</c>).</summary>
    Sample,
}
