using System.Text;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Pickle;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Weights.Pickle;

public sealed class LegacyTorchPickleTests : IDisposable
{
    private readonly TempFolder folder = new("legacy-pickle");

    public void Dispose() => folder.Dispose();

    private static readonly LegacyStorage Floats = new("140", "FloatStorage", 6, Bytes(0f, 1f, 2f, 3f, 4f, 5f));
    private static readonly LegacyStorage Doubles = new("7", "DoubleStorage", 4, Bytes(0.5, -1.25, 2.5, 1e300));
    private static readonly LegacyStorage Count = new("99", "LongStorage", 1, BitConverter.GetBytes(42L));

    private static readonly LegacyTensor[] Tensors =
    [
        new("conv.weight", "140", 0, [2, 3], [3, 1]),
        new("conv.weight_t", "140", 0, [3, 2], [1, 3]),
        new("bias", "7", 1, [2], [2]),
        new("bn.num_batches_tracked", "99", 0, [], []),
    ];

    private static byte[] Sample() => LegacyTorchFile.File(Tensors, [Floats, Doubles, Count]);

    [Fact]
    public void Reads_a_constructed_legacy_file_with_shared_storages_views_offsets_and_scalars()
    {
        var path = Write(Sample());

        Assert.True(LegacyTorchPickle.LooksLegacy(path));
        var tensors = LegacyTorchPickle.ReadStateDict(path);
        try
        {
            Assert.Equal(["conv.weight", "conv.weight_t", "bias", "bn.num_batches_tracked"], tensors.Select(t => t.Name));
            var (_, weight) = tensors[0];
            Assert.Equal([2L, 3], weight.shape);
            Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], weight.data<float>().ToArray());
            Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], tensors[1].Tensor.contiguous().data<float>().ToArray());
            Assert.Equal(ScalarType.Float64, tensors[2].Tensor.dtype);
            Assert.Equal([-1.25, 1e300], tensors[2].Tensor.data<double>().ToArray());
            Assert.Empty(tensors[3].Tensor.shape);
            Assert.Equal(42L, tensors[3].Tensor.item<long>());
        }
        finally
        {
            foreach (var (_, tensor) in tensors)
                tensor.Dispose();
        }
    }

    [Fact]
    public void Protocol_4_framing_is_recognised_and_read()
    {
        var sample = Sample();
        var magic = new PickleBytes().Proto().Long1(LegacyTorchFile.MagicLittleEndian).Stop().ToArray();
        byte[] framedMagic = [0x80, 4, 0x95, (byte)(magic.Length - 2), 0, 0, 0, 0, 0, 0, 0, .. magic[2..]];
        var path = Write([.. framedMagic, .. sample[magic.Length..]]);

        Assert.True(LegacyTorchPickle.LooksLegacy(path));
        foreach (var (_, tensor) in LegacyTorchPickle.ReadStateDict(path))
            tensor.Dispose();
    }

    [Fact]
    public void Safetensors_and_short_files_do_not_look_legacy()
    {
        var safetensors = folder.File("w.safetensors");
        using (var weight = ones(2))
            SafeTensorsWriter.Save(safetensors, [("w", weight)]);

        Assert.False(LegacyTorchPickle.LooksLegacy(safetensors));
        Assert.False(LegacyTorchPickle.LooksLegacy(Write([0x80, 2])));
        Assert.False(LegacyTorchPickle.LooksLegacy(folder.File("missing.pth")));
    }

    [Fact]
    public void Opens_as_a_checkpoint_that_loads_strictly()
    {
        var path = Write(LegacyTorchFile.File(
            [new("proj.weight", "1", 0, [2, 3], [3, 1]), new("proj.bias", "2", 0, [2], [1])],
            [Floats with { Key = "1" }, new("2", "FloatStorage", 2, Bytes(-1f, 1f))]));
        using var module = nn.Linear(3, 2);
        using var wrapper = new Wrapper(module);

        using var checkpoint = LegacyTorchPickle.Open(path);
        var report = StrictLoader.Load(wrapper, checkpoint);

        Assert.Equal(2, report.TensorCount);
        Assert.Equal(path, report.Source);
        Assert.Equal([-1f, 1f], module.bias!.data<float>().ToArray());
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "os system", "'os.system'" },
        { "builtins eval", "'builtins.eval'" },
        { "torch load", "'torch.load'" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Refuses_globals_outside_the_whitelist(string global, string message)
    {
        var parts = global.Split(' ');
        var main = new PickleBytes().Proto().Global(parts[0], parts[1]).Text("echo pwned").Raw((byte)0x85).Put().Reduce().Stop();

        var error = ReadFails([.. LegacyTorchFile.Header(), .. main.ToArray()]);

        Assert.Contains(message, error.Message);
        Assert.Contains("are allowed", error.Message);
    }

    [Fact]
    public void Refuses_calling_a_storage_type()
    {
        var main = new PickleBytes().Proto().Global("torch", "FloatStorage").EmptyTuple().Reduce().Stop();

        Assert.Contains("not callable", ReadFails([.. LegacyTorchFile.Header(), .. main.ToArray()]).Message);
    }

    [Theory]
    [InlineData((byte)'i', "0x69 ('i') is not supported")] // INST: builds arbitrary instances
    [InlineData((byte)'o', "0x6f ('o') is not supported")] // OBJ
    [InlineData((byte)'0', "0x30 ('0') is not supported")] // POP: never written by torch.save
    public void Refuses_opcodes_torch_save_does_not_use(byte opcode, string message)
    {
        var main = new PickleBytes().Proto().Raw(opcode).Stop();

        Assert.Contains(message, ReadFails([.. LegacyTorchFile.Header(), .. main.ToArray()]).Message);
    }

    [Fact]
    public void Refuses_recalling_a_memo_entry_never_stored() =>
        Assert.Contains("never stored", ReadFails([.. LegacyTorchFile.Header(), .. new PickleBytes().Proto().Get(77).Stop().ToArray()]).Message);

    [Fact]
    public void Refuses_a_string_longer_than_the_file() =>
        Assert.Contains("runs past the end", ReadFails(
            [.. LegacyTorchFile.Header(), .. new PickleBytes().Proto().TextWithLength(0x7fff_fff0, "short").ToArray()]).Message);

    [Fact]
    public void Refuses_an_oversized_integer() =>
        Assert.Contains("larger than this reader accepts", ReadFails(
            [.. LegacyTorchFile.Header(), .. new PickleBytes().Proto().Long1(new byte[200]).Stop().ToArray()]).Message);

    [Fact]
    public void Refuses_a_pickled_module_instead_of_a_state_dict()
    {
        var main = new PickleBytes().Proto().Mark().Text("module").None().None().None().Tuple().PersistentId().Stop();

        Assert.Contains("only storages", ReadFails([.. LegacyTorchFile.Header(), .. main.ToArray()]).Message);
    }

    [Fact]
    public void Refuses_a_state_dict_value_that_is_not_a_tensor()
    {
        var main = new PickleBytes().Proto().OrderedDict().Text("step").Int(5).SetItem().Stop();
        var file = new List<byte>([.. LegacyTorchFile.Header(), .. main.ToArray(), .. LegacyTorchFile.StorageKeys([])]);

        Assert.Contains("'step' holds a integer, not a tensor", ReadFails([.. file]).Message);
    }

    [Fact]
    public void Refuses_a_storage_whose_count_disagrees_with_its_tensors()
    {
        var storages = new Dictionary<string, LegacyStorage> { ["140"] = Floats };
        byte[] file =
        [
            .. LegacyTorchFile.Header(), .. LegacyTorchFile.StateDict([Tensors[0]], storages), .. LegacyTorchFile.StorageKeys(["140"]),
            .. LegacyTorchFile.StorageData(Floats with { ElementCount = 5 }),
        ];

        Assert.Contains("storage '140' holds 5 elements where its tensors expect 6", ReadFails(file).Message);
    }

    [Fact]
    public void Refuses_a_view_beyond_its_storage()
    {
        var file = LegacyTorchFile.File([new("w", "140", 1, [2, 3], [3, 1])], [Floats]);

        Assert.Contains("reaches element 6 of storage '140', which holds 6", ReadFails(file).Message);
    }

    [Fact]
    public void Refuses_trailing_bytes_wrong_magic_and_zip_checkpoints()
    {
        Assert.Contains("unexpected bytes", ReadFails([.. Sample(), 0]).Message);
        var wrongMagic = Sample();
        wrongMagic[5] ^= 0xff;
        Assert.Contains("not a legacy torch checkpoint", ReadFails(wrongMagic).Message);
        Assert.Contains("zip-format", ReadFails([0x50, 0x4b, 0x03, 0x04, .. new byte[60]]).Message);
    }

    [Fact]
    public void Every_truncation_fails_with_a_weights_format_error()
    {
        var sample = Sample();
        for (var length = 0; length < sample.Length; length++)
            ReadFails(sample[..length]);
    }

    [Fact]
    public void Corrupted_bytes_either_read_or_fail_with_an_input_error()
    {
        var sample = Sample();
        var random = new Random(1234);
        for (var trial = 0; trial < 400; trial++)
        {
            var corrupted = (byte[])sample.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                corrupted[random.Next(corrupted.Length)] = (byte)random.Next(256);
            var path = Write(corrupted);
            try
            {
                foreach (var (_, tensor) in LegacyTorchPickle.ReadStateDict(path))
                    tensor.Dispose();
            }
            catch (InputException)
            {
            }
        }
    }

    private WeightsFormatException ReadFails(byte[] content)
    {
        var path = Write(content);
        return Assert.Throws<WeightsFormatException>(() => LegacyTorchPickle.ReadStateDict(path));
    }

    private string Write(byte[] content)
    {
        var path = folder.File($"{Guid.NewGuid():N}.pth");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] Bytes(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static byte[] Bytes(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private sealed class Wrapper : nn.Module
    {
        public readonly nn.Module<Tensor, Tensor> proj;

        public Wrapper(nn.Module<Tensor, Tensor> inner) : base(nameof(Wrapper))
        {
            proj = inner;
            RegisterComponents();
        }
    }
}
