using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// A named architecture whose state-dict keys and shapes the engine can list without real weights.
/// <see cref="Create"/> builds the module on the device it is given; on the meta device no storage is
/// allocated, so even SD 1.5 lists its keys instantly.
/// </summary>
public sealed record Architecture(string Name, string Description, Func<Device, nn.Module> Create)
{
    /// <summary>Trainable parameter counts per part, for architectures that train (the V4 adapters).</summary>
    public Func<nn.Module, IReadOnlyList<(string Part, long Parameters)>>? TrainableParts { get; init; }

    /// <summary>For adapter architectures: the config <see cref="Create"/> uses, so <c>keys --set</c> can change it.</summary>
    public Adapters.V4AdapterConfig? AdapterConfig { get; init; }
}
