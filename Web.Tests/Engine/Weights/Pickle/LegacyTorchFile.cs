using System.Buffers.Binary;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Weights.Pickle;

/// <summary>A tensor as <c>torch.save</c> describes it: a view (offset, size, stride) of a named storage.</summary>
internal sealed record LegacyTensor(string Name, string StorageKey, long Offset, long[] Size, long[] Stride);

/// <summary>A storage: its torch type name and its elements' bytes.</summary>
internal sealed record LegacyStorage(string Key, string TypeName, long ElementCount, byte[] Bytes);

/// <summary>
/// Writes a legacy (pre-zip) <c>torch.save</c> file of a state dict the way torch 1.x does with pickle protocol 2:
/// magic number, format version 1001, sys info, the OrderedDict (tensors as <c>_rebuild_tensor_v2</c> calls with
/// storage persistent ids, and a <c>_metadata</c> attribute set by BUILD), the sorted storage keys, then each
/// storage as an int64 element count and its raw little-endian bytes.
/// </summary>
internal static class LegacyTorchFile
{
    public static readonly byte[] MagicLittleEndian = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    public static byte[] Header() =>
    [
        .. new PickleBytes().Proto().Long1(MagicLittleEndian).Stop().ToArray(),
        .. new PickleBytes().Proto().Int(1001).Stop().ToArray(),
        .. SysInfo(),
    ];

    public static byte[] SysInfo()
    {
        var pickle = new PickleBytes().Proto().EmptyDict().Mark()
            .Text("protocol_version").Int(1001)
            .Text("little_endian").Bool(true)
            .Text("type_sizes").EmptyDict().Mark().Text("short").Int(2).Text("int").Int(4).Text("long").Int(8).SetItems()
            .SetItems().Stop();
        return pickle.ToArray();
    }

    /// <summary>The main pickle: an OrderedDict of tensors, each built by <c>_rebuild_tensor_v2</c>.</summary>
    public static byte[] StateDict(IReadOnlyList<LegacyTensor> tensors, IReadOnlyDictionary<string, LegacyStorage> storages)
    {
        var pickle = new PickleBytes().Proto().OrderedDict();
        if (tensors.Count > 0)
        {
            pickle.Mark();
            foreach (var tensor in tensors)
            {
                var storage = storages[tensor.StorageKey];
                pickle.Text(tensor.Name).Global("torch._utils", "_rebuild_tensor_v2")
                    .Mark()
                    .Mark().Text("storage").Global("torch", storage.TypeName).Text(storage.Key).Text("cpu").Int(storage.ElementCount).None()
                    .Tuple().PersistentId()
                    .Int(tensor.Offset).Tuple(tensor.Size).Tuple(tensor.Stride).Bool(false).OrderedDict()
                    .Tuple().Reduce();
            }
            pickle.SetItems();
        }
        pickle.EmptyDict().Text("_metadata").OrderedDict().Text("").EmptyDict().Text("version").Int(1).SetItem().SetItem()
            .SetItem().Build().Stop();
        return pickle.ToArray();
    }

    public static byte[] StorageKeys(IEnumerable<string> keys)
    {
        var pickle = new PickleBytes().Proto().EmptyList().Mark();
        foreach (var key in keys)
            pickle.Text(key);
        return pickle.Appends().Stop().ToArray();
    }

    public static byte[] StorageData(LegacyStorage storage)
    {
        var count = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(count, storage.ElementCount);
        return [.. count, .. storage.Bytes];
    }

    public static byte[] File(IReadOnlyList<LegacyTensor> tensors, IReadOnlyList<LegacyStorage> storages)
    {
        var byKey = storages.ToDictionary(s => s.Key);
        var sorted = storages.Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        using var file = new MemoryStream();
        file.Write(Header());
        file.Write(StateDict(tensors, byKey));
        file.Write(StorageKeys(sorted));
        foreach (var key in sorted)
            file.Write(StorageData(byKey[key]));
        return file.ToArray();
    }

    /// <summary>A whole state dict, one storage per tensor, written to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors)
    {
        var described = new List<LegacyTensor>();
        var storages = new List<LegacyStorage>();
        foreach (var (name, tensor) in tensors)
        {
            using var contiguous = tensor.contiguous();
            var key = (94_000_000_000L + storages.Count * 64).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var typeName = tensor.dtype switch
            {
                ScalarType.Float32 => "FloatStorage",
                ScalarType.Int64 => "LongStorage",
                ScalarType.Float64 => "DoubleStorage",
                _ => throw new ArgumentException($"no storage type for {tensor.dtype}", nameof(tensors)),
            };
            storages.Add(new LegacyStorage(key, typeName, tensor.numel(), contiguous.bytes.ToArray()));
            described.Add(new LegacyTensor(name, key, 0, tensor.shape, ContiguousStrides(tensor.shape)));
        }
        System.IO.File.WriteAllBytes(path, File(described, storages));
    }

    public static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= shape[i];
        }
        return strides;
    }
}
