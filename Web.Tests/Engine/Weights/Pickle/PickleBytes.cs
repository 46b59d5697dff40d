using System.Buffers.Binary;
using System.Text;

namespace Clap2Diffusion.Tests.Engine.Weights.Pickle;

/// <summary>
/// Writes pickle opcodes byte by byte (protocol 2, as <c>torch.save</c> uses), so tests can build legacy torch
/// checkpoints, and broken or hostile ones, without Python.
/// </summary>
internal sealed class PickleBytes
{
    private readonly MemoryStream bytes = new();
    private readonly Dictionary<string, int> memoizedGlobals = [];
    private int memo;

    public byte[] ToArray() => bytes.ToArray();

    public PickleBytes Raw(params byte[] values)
    {
        bytes.Write(values);
        return this;
    }

    public PickleBytes Proto(byte version = 2) => Raw(0x80, version);

    public PickleBytes Stop() => Raw((byte)'.');

    public PickleBytes Mark() => Raw((byte)'(');

    public PickleBytes None() => Raw((byte)'N');

    public PickleBytes Bool(bool value) => Raw(value ? (byte)0x88 : (byte)0x89);

    public PickleBytes Int(long value)
    {
        if (value is >= 0 and < 256)
            return Raw((byte)'K', (byte)value);
        if (value is >= 0 and < 65536)
            return Raw((byte)'M', (byte)value, (byte)(value >> 8));
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            var buffer = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(buffer, (int)value);
            return Raw((byte)'J').Raw(buffer);
        }
        var wide = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(wide, value);
        return Raw(0x8a, 8).Raw(wide);
    }

    public PickleBytes Long1(params byte[] littleEndian) => Raw(0x8a, (byte)littleEndian.Length).Raw(littleEndian);

    public PickleBytes Text(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Raw((byte)'X').Raw(length).Raw(utf8).Put();
    }

    /// <summary>A BINUNICODE whose declared length is not what follows.</summary>
    public PickleBytes TextWithLength(uint declared, string value)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, declared);
        return Raw((byte)'X').Raw(length).Raw(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>GLOBAL the first time (memoized), BINGET or LONG_BINGET after that, as pickle does.</summary>
    public PickleBytes Global(string module, string name)
    {
        var key = module + "\n" + name;
        if (memoizedGlobals.TryGetValue(key, out var index))
            return Get(index);
        Raw((byte)'c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        memoizedGlobals[key] = memo;
        return Put();
    }

    public PickleBytes Put()
    {
        var index = memo++;
        if (index < 256)
            return Raw((byte)'q', (byte)index);
        var buffer = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, index);
        return Raw((byte)'r').Raw(buffer);
    }

    public PickleBytes Get(int index)
    {
        if (index < 256)
            return Raw((byte)'h', (byte)index);
        var buffer = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, index);
        return Raw((byte)'j').Raw(buffer);
    }

    public PickleBytes EmptyTuple() => Raw((byte)')');

    public PickleBytes Tuple() => Raw((byte)'t').Put();

    public PickleBytes Tuple(params long[] values)
    {
        switch (values.Length)
        {
            case 0:
                return EmptyTuple();
            case <= 3:
                foreach (var value in values)
                    Int(value);
                return Raw((byte)(0x84 + values.Length)).Put();
            default:
                Mark();
                foreach (var value in values)
                    Int(value);
                return Tuple();
        }
    }

    public PickleBytes EmptyDict() => Raw((byte)'}').Put();

    public PickleBytes EmptyList() => Raw((byte)']').Put();

    public PickleBytes SetItems() => Raw((byte)'u');

    public PickleBytes SetItem() => Raw((byte)'s');

    public PickleBytes Appends() => Raw((byte)'e');

    public PickleBytes Reduce() => Raw((byte)'R').Put();

    public PickleBytes Build() => Raw((byte)'b');

    public PickleBytes PersistentId() => Raw((byte)'Q');

    /// <summary><c>collections.OrderedDict()</c>, as pickle writes an empty one.</summary>
    public PickleBytes OrderedDict() => Global("collections", "OrderedDict").EmptyTuple().Reduce();
}
