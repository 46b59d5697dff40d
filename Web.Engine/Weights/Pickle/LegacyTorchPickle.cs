using System.Buffers.Binary;
using System.Numerics;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights.Pickle;

/// <summary>
/// Reads a state dict that <c>torch.save</c> wrote in its legacy (pre-1.6, non-zip) format, such as
/// pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c>. The file is five pickles and a data section:
/// the magic number, the format version (1001), a sys-info dict, the state dict itself (an OrderedDict whose
/// tensors are <c>_rebuild_tensor_v2</c> calls naming storages by persistent id), the list of storage keys,
/// then each storage's little-endian bytes preceded by its element count as an int64.
/// Nothing in the file is executed; see <see cref="RestrictedUnpickler"/>.
/// </summary>
public static class LegacyTorchPickle
{
    private static readonly BigInteger MagicNumber = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    private const long FormatVersion = 1001;
    private static readonly byte[] ZipSignature = [0x50, 0x4b, 0x03, 0x04];

    /// <summary>
    /// True when the file starts like a legacy torch checkpoint: PROTO, for protocol 4 and later a FRAME, then the
    /// magic number as a LONG1.
    /// </summary>
    public static bool LooksLegacy(string path)
    {
        if (!File.Exists(path))
            return false;
        Span<byte> start = stackalloc byte[12];
        using var stream = File.OpenRead(path);
        var read = stream.Read(start);
        if (read < 3 || start[0] != 0x80 || start[1] is < 2 or > 5)
            return false;
        var first = start[2] == 0x95 ? 11 : 2;
        return read > first && start[first] == 0x8a;
    }

    /// <summary>Reads the state dict into a <see cref="Checkpoint"/>, for strict loading like any other weights.</summary>
    public static Checkpoint Open(string path, KeyTranslation? translation = null) =>
        Checkpoint.FromTensors(path, ReadStateDict(path), translation);

    /// <summary>Reads the state dict's tensors, in the file's order, onto the CPU. The caller owns them.</summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> ReadStateDict(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"weights file not found: {path}");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        CheckNotZip(stream, path);

        var plain = new RestrictedUnpickler(stream, path, new PlainDataHost(path));
        if (plain.Load() is not BigInteger magic || magic != MagicNumber)
            throw new WeightsFormatException(path, "not a legacy torch checkpoint (its first pickle is not torch's magic number)");
        if (plain.Load() is not long version || version != FormatVersion)
            throw new WeightsFormatException(path, $"legacy torch format version is not {FormatVersion}");
        CheckSysInfo(plain.Load(), path);

        var host = new TorchPickleHost(path);
        var root = new RestrictedUnpickler(stream, path, host).Load();
        var keys = plain.Load();
        try
        {
            ReadStorages(stream, path, host, keys);
            if (stream.Position != stream.Length)
                throw new WeightsFormatException(path, $"{stream.Length - stream.Position} unexpected bytes follow the last storage");
            return BuildTensors(root, path);
        }
        finally
        {
            foreach (var storage in host.Storages.Values)
                storage.Data?.Dispose();
        }
    }

    private static void CheckNotZip(FileStream stream, string path)
    {
        Span<byte> start = stackalloc byte[4];
        var read = stream.Read(start);
        stream.Position = 0;
        if (read == 4 && start.SequenceEqual(ZipSignature))
            throw new WeightsFormatException(path, "this is a zip-format torch checkpoint (torch 1.6 and later), not the legacy " +
                "format this reader handles; convert it to safetensors");
    }

    private static void CheckSysInfo(object? value, string path)
    {
        if (value is not PickleDict info)
            throw new WeightsFormatException(path, "the sys-info pickle is not a dict");
        if (info.TryGet("little_endian", out var little) && little is false)
            throw new WeightsFormatException(path, "the checkpoint was written on a big-endian machine, which this reader does not support");
    }

    private static void ReadStorages(FileStream stream, string path, TorchPickleHost host, object? keys)
    {
        if (keys is not List<object?> list)
            throw new WeightsFormatException(path, "the storage key pickle is not a list");
        Span<byte> countBytes = stackalloc byte[8];
        foreach (var item in list)
        {
            if (item is not string key || !host.Storages.TryGetValue(key, out var storage))
                throw new WeightsFormatException(path, $"the storage list names '{item}', which no tensor uses");
            if (storage.Data is not null)
                throw new WeightsFormatException(path, $"the storage list names '{key}' twice");
            if (stream.Read(countBytes) != 8)
                throw new WeightsFormatException(path, $"the file ends before storage '{key}' (truncated?)");
            var count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
            if (count != storage.ElementCount)
                throw new WeightsFormatException(path, $"storage '{key}' holds {count} elements where its tensors expect {storage.ElementCount}");
            var remaining = stream.Length - stream.Position;
            if (count > remaining / storage.Type.ElementSize)
                throw new WeightsFormatException(path, $"storage '{key}' ({count} elements) runs past the end of the file (truncated?)");

            storage.Data = empty([count], storage.Type.DType, CPU);
            stream.ReadExactly(storage.Data.bytes);
        }
        var unread = host.Storages.Values.FirstOrDefault(s => s.Data is null);
        if (unread is not null)
            throw new WeightsFormatException(path, $"storage '{unread.Key}' is used by a tensor but has no data in the file");
    }

    private static List<(string, Tensor)> BuildTensors(object? root, string path)
    {
        if (root is not PickleDict dict)
            throw new WeightsFormatException(path, $"the checkpoint holds a {RestrictedUnpickler.Describe(root)}, not a state dict");
        var tensors = new List<(string, Tensor)>(dict.Count);
        try
        {
            foreach (var (key, value) in dict.Items)
            {
                if (key is not string name)
                    throw new WeightsFormatException(path, $"the state dict has a non-string key {key}");
                if (value is not TorchTensorReference reference)
                    throw new WeightsFormatException(path, $"'{name}' holds a {RestrictedUnpickler.Describe(value)}, not a tensor");
                tensors.Add((name, Materialize(reference)));
            }
            return tensors;
        }
        catch
        {
            foreach (var (_, tensor) in tensors)
                tensor.Dispose();
            throw;
        }
    }

    private static Tensor Materialize(TorchTensorReference reference)
    {
        var storage = reference.Storage.Data!;
        using var view = storage.as_strided(reference.Size, reference.Stride, reference.Offset);
        var copy = empty(reference.Size, storage.dtype, CPU);
        copy.copy_(view);
        return copy;
    }
}
