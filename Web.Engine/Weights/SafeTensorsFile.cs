using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// A safetensors file opened for reading: the header is parsed and checked in full before any tensor
/// is read, so a malformed file fails here with a message instead of crashing or allocating wildly later.
/// Format: u64 little-endian header length N, N bytes of JSON, then the raw little-endian data.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    // The reference implementation refuses headers above 100 MB; real headers are a few hundred KB.
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly SafeFileHandle handle;
    private readonly long dataStart;
    private readonly Dictionary<string, SafeTensorInfo> byName;

    private SafeTensorsFile(string path, SafeFileHandle handle, long dataStart,
        List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        this.handle = handle;
        this.dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
        byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entry (string to string), empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IEnumerable<string> Names => Tensors.Select(t => t.Name);

    public bool Contains(string name) => byName.ContainsKey(name);

    public SafeTensorInfo Info(string name) =>
        byName.TryGetValue(name, out var info)
            ? info
            : throw new WeightsFormatException(Path, $"no tensor named '{name}'");

    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"weights file not found: {path}");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var (tensors, metadata, dataStart) = ReadHeader(path, handle);
            return new SafeTensorsFile(path, handle, dataStart, tensors, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor onto the CPU, optionally converting it to <paramref name="dtype"/>.</summary>
    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null)
    {
        var info = Info(name);
        var raw = empty(info.Shape, info.Type, CPU);
        try
        {
            if (info.ByteLength > 0)
                ReadExactly(info, raw.bytes);
            var result = dtype is { } wanted && wanted != info.Type ? raw.to_type(wanted) : raw;
            if (device is not null && device.type != DeviceType.CPU)
                result = result.to(device);
            if (!ReferenceEquals(result, raw))
                raw.Dispose();
            return result;
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    private void ReadExactly(SafeTensorInfo info, Span<byte> destination)
    {
        long offset = dataStart + info.Begin;
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, offset);
            if (read <= 0)
                throw new WeightsFormatException(Path, $"tensor '{info.Name}' ends past the end of the file");
            destination = destination[read..];
            offset += read;
        }
    }

    private static (List<SafeTensorInfo>, Dictionary<string, string>, long) ReadHeader(string path, SafeFileHandle handle)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors reading needs a little-endian machine");

        var fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
            throw new WeightsFormatException(path, $"file is {fileLength} bytes, too short for a safetensors header");

        Span<byte> lengthBytes = stackalloc byte[8];
        RandomAccess.Read(handle, lengthBytes, 0);
        var headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw new WeightsFormatException(path, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit (not a safetensors file?)");
        if ((long)headerLength > fileLength - 8)
            throw new WeightsFormatException(path, $"header length {headerLength} runs past the end of the {fileLength}-byte file (truncated?)");

        var headerBytes = new byte[headerLength];
        RandomAccess.Read(handle, headerBytes, 8);
        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException error)
        {
            throw new WeightsFormatException(path, $"header is not valid JSON ({error.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new WeightsFormatException(path, "header is not a JSON object");

            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new WeightsFormatException(path, $"header names '{property.Name}' twice");
                if (property.Name == "__metadata__")
                    ReadMetadata(path, property.Value, metadata);
                else
                    tensors.Add(ReadEntry(path, property.Name, property.Value, dataLength));
            }
            CheckNoOverlap(path, tensors);
            return (tensors, metadata, dataStart);
        }
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new WeightsFormatException(path, "__metadata__ is not an object");
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new WeightsFormatException(path, $"__metadata__ value '{entry.Name}' is not a string");
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadEntry(string path, string name, JsonElement entry, long dataLength)
    {
        string Problem(string what) => $"tensor '{name}': {what}";
        if (entry.ValueKind != JsonValueKind.Object)
            throw new WeightsFormatException(path, Problem("entry is not an object"));
        if (!entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new WeightsFormatException(path, Problem("missing dtype"));
        var dtype = dtypeElement.GetString()!;
        if (!SafeTensorsDType.TryParse(dtype, out var type, out var elementSize))
            throw new WeightsFormatException(path, Problem($"unknown dtype '{dtype}' (supported: {string.Join(", ", SafeTensorsDType.Names)})"));

        if (!entry.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new WeightsFormatException(path, Problem("missing shape"));
        var shape = new List<long>();
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var size) || size < 0)
                throw new WeightsFormatException(path, Problem("shape holds a value that is not a non-negative integer"));
            shape.Add(size);
        }

        if (!entry.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
            throw new WeightsFormatException(path, Problem("data_offsets must be a pair [begin, end]"));
        var offsets = offsetsElement.EnumerateArray().ToArray();
        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end))
            throw new WeightsFormatException(path, Problem("data_offsets are not integers"));
        if (begin < 0 || end < 0)
            throw new WeightsFormatException(path, Problem($"negative data offset [{begin}, {end}]"));
        if (end < begin)
            throw new WeightsFormatException(path, Problem($"data offsets [{begin}, {end}] end before they begin"));
        if (end > dataLength)
            throw new WeightsFormatException(path, Problem($"data offsets [{begin}, {end}] run past the {dataLength} data bytes (truncated file?)"));

        long expectedBytes;
        try
        {
            expectedBytes = checked(shape.Aggregate(1L, (product, dim) => product * dim) * elementSize);
        }
        catch (OverflowException)
        {
            throw new WeightsFormatException(path, Problem("shape is too large"));
        }
        if (expectedBytes != end - begin)
            throw new WeightsFormatException(path,
                Problem($"shape [{string.Join(", ", shape)}] of {dtype} needs {expectedBytes} bytes but its byte range holds {end - begin}"));

        return new SafeTensorInfo(name, dtype, type, shape.ToArray(), begin, end);
    }

    private static void CheckNoOverlap(string path, List<SafeTensorInfo> tensors)
    {
        SafeTensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin))
        {
            if (previous is not null && tensor.Begin < previous.End)
                throw new WeightsFormatException(path,
                    $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}] and '{tensor.Name}' [{tensor.Begin}, {tensor.End}] overlap");
            previous = tensor;
        }
    }

    public void Dispose() => handle.Dispose();
}
