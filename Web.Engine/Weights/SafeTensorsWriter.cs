using System.Text.Json;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// Writes tensors as safetensors. The file appears under its final name only when complete (written to a
/// temporary name in the same folder, then renamed), so a crash never leaves a half-written checkpoint.
/// </summary>
public static class SafeTensorsWriter
{
    public static void Save(string path, IEnumerable<(string Name, Tensor Tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in entries)
            if (!names.Add(name) || name == "__metadata__")
                throw new ArgumentException($"tensor name '{name}' is repeated or reserved", nameof(tensors));

        var header = BuildHeader(entries, metadata);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(BitConverter.GetBytes((ulong)header.Length));
                stream.Write(header);
                foreach (var (_, tensor) in entries)
                {
                    // Each step of the chain may make a tensor of its own: the scope disposes them all here.
                    using var scope = NewDisposeScope();
                    stream.Write(tensor.detach().cpu().contiguous().bytes);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(path, tensors.Select(kv => (kv.Key, kv.Value)), metadata);

    private static byte[] BuildHeader(List<(string Name, Tensor Tensor)> entries,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                var bytes = tensor.numel() * tensor.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorsDType.NameOf(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var dim in tensor.shape)
                    json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        var text = buffer.ToArray();
        var padded = (text.Length + 7) / 8 * 8;
        var header = new byte[padded];
        text.CopyTo(header, 0);
        header.AsSpan(text.Length).Fill((byte)' ');
        return header;
    }
}
