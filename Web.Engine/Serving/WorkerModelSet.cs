using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Training;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// The folders a worker loads: its own (the <c>serve</c> options) until the front end orders another set. An order
/// names folders as the front end's admin chose them; the worker resolves them on its own disk, and a part the order
/// leaves out is the worker's own, except that its own CLAP and adapters belong to its own base model.
/// </summary>
public sealed record WorkerModelSet(string Model, string? Clap, string? Adapters)
{
    /// <summary>The worker's own set: its options, and where they name no CLAP or adapters, the model folder's own <c>clap/</c> and <c>adapters/</c>.</summary>
    public static WorkerModelSet Own(ServeOptions options)
    {
        var model = EmbeddedModel.Require(options.Model);
        return new WorkerModelSet(model, options.Clap ?? Inside(model, "clap"), options.Adapters ?? Inside(model, "adapters"));
    }

    /// <summary>The folders <paramref name="order"/> stands for on this machine; <see cref="InputException"/> when one is missing here.</summary>
    public static WorkerModelSet Resolve(ModelOrder order, ServeOptions options)
    {
        var own = Own(options);
        var model = Present(order.BaseModelFolder, "base model") ?? own.Model;
        var sameBase = string.Equals(Path.GetFullPath(model), Path.GetFullPath(own.Model), StringComparison.Ordinal);
        var clap = Present(order.ClapFolder, "CLAP") ?? (sameBase ? own.Clap : Inside(model, "clap"));
        var adapters = Present(order.AdapterFolder, "adapter") is { } chosen
            ? AdapterTrainer.CheckpointAdapters(chosen) ?? chosen
            : sameBase ? own.Adapters : Inside(model, "adapters");
        return new WorkerModelSet(model, clap, adapters);
    }

    private static string? Inside(string model, string part) => Directory.Exists(Path.Combine(model, part)) ? Path.Combine(model, part) : null;

    private static string? Present(string? folder, string what)
    {
        if (string.IsNullOrWhiteSpace(folder))
            return null;
        return Directory.Exists(folder) ? folder : throw new InputException($"the {what} folder {folder} does not exist on this worker");
    }
}
