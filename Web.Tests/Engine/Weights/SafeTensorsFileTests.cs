using System.Text;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Weights;

public sealed class SafeTensorsFileTests : IDisposable
{
    private readonly TempFolder folder = new("safetensors");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Round_trip_keeps_names_shapes_dtypes_values_and_metadata()
    {
        var path = folder.File("model.safetensors");
        using var weights = arange(6, ScalarType.Float32).reshape(2, 3);
        using var half = tensor(new float[] { 0.5f, -2f }).to_type(ScalarType.Float16);
        using var ids = tensor(new long[] { 7 }).reshape(Array.Empty<long>());
        SafeTensorsWriter.Save(path, [("a.weight", weights), ("b.half", half), ("c.scalar", ids)],
            new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafeTensorsFile.Open(path);

        Assert.Equal(["a.weight", "b.half", "c.scalar"], file.Names);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([2L, 3], file.Info("a.weight").Shape);
        Assert.Empty(file.Info("c.scalar").Shape);
        using var loaded = file.Load("b.half", ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, loaded.dtype);
        Assert.Equal([0.5f, -2f], loaded.data<float>().ToArray());
        using var scalar = file.Load("c.scalar");
        Assert.Equal(7L, scalar.item<long>());
    }

    public static TheoryData<string, string> MalformedHeaders => new()
    {
        { """{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "needs 8 bytes" },
        { """{"x":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}""", "unknown dtype 'Q4'" },
        { """{"x":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", "negative data offset" },
        { """{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "end before they begin" },
        { """{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4000]}}""", "run past" },
        { """{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", "overlap" },
        { """{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "non-negative" },
        { """{"x":{"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,4]}}""", "too large" },
        { """[1,2]""", "not a JSON object" },
        { """{"x":""", "not valid JSON" },
        { """{"__metadata__":{"a":1}}""", "not a string" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Malformed_headers_give_a_clear_error(string header, string expected)
    {
        var path = WriteRaw(header, dataBytes: 8);

        var error = Assert.Throws<WeightsFormatException>(() => SafeTensorsFile.Open(path).Dispose());

        Assert.Contains(expected, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Truncated_files_are_refused_before_reading()
    {
        var path = folder.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<WeightsFormatException>(() => SafeTensorsFile.Open(path)).Message);

        var huge = folder.File("huge-header.safetensors");
        File.WriteAllBytes(huge, BitConverter.GetBytes(ulong.MaxValue / 2).Concat(new byte[16]).ToArray());
        Assert.Contains("exceeds", Assert.Throws<WeightsFormatException>(() => SafeTensorsFile.Open(huge)).Message);

        var cut = folder.File("cut.safetensors");
        File.WriteAllBytes(cut, BitConverter.GetBytes(1000UL).Concat(new byte[16]).ToArray());
        Assert.Contains("runs past the end", Assert.Throws<WeightsFormatException>(() => SafeTensorsFile.Open(cut)).Message);
    }

    [Fact]
    public void A_missing_file_is_an_input_error()
    {
        Assert.Throws<Clap2Diffusion.Engine.InputException>(() => SafeTensorsFile.Open(folder.File("absent.safetensors")));
    }

    private string WriteRaw(string header, int dataBytes)
    {
        var path = folder.File($"{Guid.NewGuid():N}.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, BitConverter.GetBytes((ulong)json.Length).Concat(json).Concat(new byte[dataBytes]).ToArray());
        return path;
    }
}
