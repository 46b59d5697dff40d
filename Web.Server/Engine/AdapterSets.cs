using Clap2Diffusion.Engine.Training;

namespace Clap2Diffusion.Server.Engine;

/// <summary>Adapter sets as an admin names them: an adapter folder, or a training checkpoint with one inside.</summary>
public static class AdapterSets
{
    /// <summary>The adapter folder itself: for a training checkpoint, the set it holds.</summary>
    public static string Resolve(string folder) => AdapterTrainer.CheckpointAdapters(folder) ?? folder;
}
