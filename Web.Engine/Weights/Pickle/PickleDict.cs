namespace Clap2Diffusion.Engine.Weights.Pickle;

/// <summary>A Python dict as a pickle builds it: insertion-ordered, keyed by strings or integers only.</summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object, object?>> items = [];
    private readonly Dictionary<object, int> index = [];

    public PickleDict(bool ordered) => Ordered = ordered;

    /// <summary>True for a <c>collections.OrderedDict</c>, false for a plain <c>dict</c>.</summary>
    public bool Ordered { get; }

    public IReadOnlyList<KeyValuePair<object, object?>> Items => items;

    public int Count => items.Count;

    public void Set(object key, object? value)
    {
        if (index.TryGetValue(key, out var position))
            items[position] = new(key, value);
        else
        {
            index.Add(key, items.Count);
            items.Add(new(key, value));
        }
    }

    public bool TryGet(string key, out object? value)
    {
        if (index.TryGetValue(key, out var position))
        {
            value = items[position].Value;
            return true;
        }
        value = null;
        return false;
    }
}
