namespace Clap2Diffusion.Engine.Weights.Pickle;

/// <summary>
/// Decides what the few object-creating opcodes of a pickle may do. Everything the host does not allow must
/// throw, so that a pickle can only build plain data and the objects the host chooses to make.
/// </summary>
internal interface IPickleHost
{
    /// <summary><c>GLOBAL module name</c>: returns a token for an allowed callable or type.</summary>
    object ResolveGlobal(string module, string name);

    /// <summary><c>REDUCE</c>: calls an allowed token with its argument tuple.</summary>
    object? Reduce(object callable, object?[] arguments);

    /// <summary><c>BUILD</c>: applies a state to an object made earlier.</summary>
    void Build(object? target, object? state);

    /// <summary><c>BINPERSID</c>: resolves a persistent id (torch uses them to name storages).</summary>
    object? PersistentLoad(object? id);
}

/// <summary>A host for pickles that may hold plain data only: numbers, strings, tuples, lists and dicts.</summary>
internal sealed class PlainDataHost(string source) : IPickleHost
{
    public object ResolveGlobal(string module, string name) =>
        throw new WeightsFormatException(source, $"the pickle names '{module}.{name}', which is not allowed here (plain data only)");

    public object? Reduce(object callable, object?[] arguments) =>
        throw new WeightsFormatException(source, "the pickle calls a function where only plain data is allowed");

    public void Build(object? target, object? state) =>
        throw new WeightsFormatException(source, "the pickle sets object state where only plain data is allowed");

    public object? PersistentLoad(object? id) =>
        throw new WeightsFormatException(source, "the pickle refers to external data where only plain data is allowed");
}
