using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// Receives a model's intermediate activations as the forward pass produces them, named by the diffusers
/// module path that produced them (<c>down_blocks.1.resnets.0</c>, <c>mid_block</c>). Used for parity checks
/// and per-block profiling. The tensor belongs to the forward pass: read it during the call, do not keep
/// or modify it.
/// </summary>
public delegate void ActivationObserver(string path, Tensor activation);
