using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights.Pickle;

/// <summary>A <c>torch.FloatStorage</c>-style type named by a checkpoint.</summary>
internal sealed record TorchStorageType(string Name, ScalarType DType, int ElementSize);

/// <summary>A storage a checkpoint refers to; its bytes come later in the file.</summary>
internal sealed class TorchStorage(string key, TorchStorageType type, long elementCount)
{
    public string Key { get; } = key;
    public TorchStorageType Type { get; } = type;
    public long ElementCount { get; } = elementCount;

    /// <summary>The storage's elements as a 1-D tensor, once the data section has been read.</summary>
    public Tensor? Data { get; set; }
}

/// <summary>A <c>torch._utils._rebuild_tensor_v2</c> call, kept until the storages have been read.</summary>
internal sealed record TorchTensorReference(TorchStorage Storage, long Offset, long[] Size, long[] Stride);

/// <summary>
/// What a torch state-dict pickle may build: <c>collections.OrderedDict</c>, the <c>torch.*Storage</c> types
/// (only as persistent ids naming storages) and tensors through <c>torch._utils._rebuild_tensor_v2</c>.
/// Every other global, call or state is refused.
/// </summary>
internal sealed class TorchPickleHost(string source) : IPickleHost
{
    private static readonly IReadOnlyDictionary<string, TorchStorageType> StorageTypes = new[]
    {
        new TorchStorageType("FloatStorage", ScalarType.Float32, 4),
        new TorchStorageType("DoubleStorage", ScalarType.Float64, 8),
        new TorchStorageType("HalfStorage", ScalarType.Float16, 2),
        new TorchStorageType("BFloat16Storage", ScalarType.BFloat16, 2),
        new TorchStorageType("LongStorage", ScalarType.Int64, 8),
        new TorchStorageType("IntStorage", ScalarType.Int32, 4),
        new TorchStorageType("ShortStorage", ScalarType.Int16, 2),
        new TorchStorageType("CharStorage", ScalarType.Int8, 1),
        new TorchStorageType("ByteStorage", ScalarType.Byte, 1),
        new TorchStorageType("BoolStorage", ScalarType.Bool, 1),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly object OrderedDictType = new();
    private static readonly object RebuildTensorV2 = new();

    private readonly Dictionary<string, TorchStorage> storages = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, TorchStorage> Storages => storages;

    public object ResolveGlobal(string module, string name) => (module, name) switch
    {
        ("collections", "OrderedDict") => OrderedDictType,
        ("torch._utils", "_rebuild_tensor_v2") => RebuildTensorV2,
        ("torch", _) when StorageTypes.TryGetValue(name, out var type) => type,
        _ => throw Refused($"the pickle names '{module}.{name}', which a weights file has no reason to use; " +
            "only collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.*Storage are allowed"),
    };

    public object? Reduce(object callable, object?[] arguments)
    {
        if (ReferenceEquals(callable, OrderedDictType))
            return arguments.Length == 0 ? new PickleDict(ordered: true) : throw Refused("OrderedDict is called with arguments");
        if (ReferenceEquals(callable, RebuildTensorV2))
            return RebuildTensor(arguments);
        throw Refused($"the pickle calls a {RestrictedUnpickler.Describe(callable)}, which is not callable here");
    }

    public void Build(object? target, object? state)
    {
        // torch's state dicts carry their per-module versions as an attribute (`_metadata`); loading ignores it.
        if (target is PickleDict { Ordered: true } && state is PickleDict)
            return;
        throw Refused($"the pickle sets the state of a {RestrictedUnpickler.Describe(target)}, which only an OrderedDict may receive");
    }

    public object? PersistentLoad(object? id)
    {
        if (id is object?[] { Length: > 0 } tuple && tuple[0] is string kind && kind != "storage")
            throw Refused($"a persistent id names a '{kind}'; only storages are supported (a pickled module, not a state dict?)");
        if (id is not object?[] { Length: 5 or 6 } fields)
            throw Refused("a persistent id is not a ('storage', type, key, location, size[, view]) tuple");
        if (fields[1] is not TorchStorageType type || fields[2] is not string key || fields[3] is not string
            || fields[4] is not long count || count < 0)
            throw Refused("a storage's persistent id does not hold (type, key, location, element count)");
        if (fields.Length == 6 && fields[5] is not null)
            throw Refused($"storage '{key}' is a view of another storage, which this reader does not support");

        if (storages.TryGetValue(key, out var existing))
        {
            if (existing.Type != type || existing.ElementCount != count)
                throw Refused($"storage '{key}' is named twice with different types or sizes");
            return existing;
        }
        var storage = new TorchStorage(key, type, count);
        storages.Add(key, storage);
        return storage;
    }

    private TorchTensorReference RebuildTensor(object?[] arguments)
    {
        if (arguments.Length is < 6 or > 7)
            throw Refused($"_rebuild_tensor_v2 receives {arguments.Length} arguments instead of 6 or 7");
        if (arguments[0] is not TorchStorage storage)
            throw Refused("_rebuild_tensor_v2's first argument is not a storage");
        if (arguments[1] is not long offset || offset < 0)
            throw Refused("a tensor's storage offset is not a non-negative integer");
        var size = Dimensions(arguments[2], "size");
        var stride = Dimensions(arguments[3], "stride");
        if (size.Length != stride.Length)
            throw Refused($"a tensor has {size.Length} sizes but {stride.Length} strides");
        if (arguments[4] is not bool)
            throw Refused("a tensor's requires_grad flag is not a bool");
        if (arguments[5] is not PickleDict { Count: 0 })
            throw Refused("a tensor carries backward hooks, which a weights file cannot hold");
        if (arguments.Length == 7 && arguments[6] is not (null or PickleDict))
            throw Refused("a tensor's metadata is not a dict");
        CheckBounds(storage, offset, size, stride);
        return new TorchTensorReference(storage, offset, size, stride);
    }

    private long[] Dimensions(object? value, string what)
    {
        if (value is not object?[] items)
            throw Refused($"a tensor's {what} is not a tuple");
        var dims = new long[items.Length];
        for (var i = 0; i < items.Length; i++)
            dims[i] = items[i] is long dim && dim >= 0 ? dim : throw Refused($"a tensor's {what} holds a value that is not a non-negative integer");
        return dims;
    }

    private void CheckBounds(TorchStorage storage, long offset, long[] size, long[] stride)
    {
        if (size.Any(dim => dim == 0))
            return;
        try
        {
            var last = offset;
            for (var i = 0; i < size.Length; i++)
                last = checked(last + (size[i] - 1) * stride[i]);
            if (last >= storage.ElementCount)
                throw Refused($"a tensor of size [{string.Join(", ", size)}] reaches element {last} of storage '{storage.Key}', " +
                    $"which holds {storage.ElementCount}");
        }
        catch (OverflowException)
        {
            throw Refused("a tensor's size and stride overflow");
        }
    }

    private WeightsFormatException Refused(string problem) => new(source, problem);
}
