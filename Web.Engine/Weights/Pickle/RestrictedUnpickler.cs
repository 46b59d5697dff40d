using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Clap2Diffusion.Engine.Weights.Pickle;

/// <summary>
/// A pickle reader that understands the opcodes <c>torch.save</c> writes with pickle protocols 2 to 4 and
/// nothing else. It never imports or runs anything: names, calls, object state and persistent ids all go
/// through an <see cref="IPickleHost"/> that allows a fixed list. Lengths are checked against the bytes that
/// remain, and the stack and memo are bounded, so a malformed or hostile pickle fails with a message.
/// </summary>
internal sealed class RestrictedUnpickler(Stream stream, string source, IPickleHost host)
{
    private const int MaxStack = 1 << 22;
    private const int MaxMemo = 1 << 22;
    private const int MaxLineBytes = 512;
    private const int MaxLongBytes = 16;

    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];

    /// <summary>Reads one pickle, from its first opcode to <c>STOP</c>, and returns its value.</summary>
    public object? Load()
    {
        stack.Clear();
        marks.Clear();
        memo.Clear();
        while (true)
        {
            var at = stream.Position;
            var opcode = stream.ReadByte();
            if (opcode < 0)
                throw Malformed(at, "the pickle ends before its STOP opcode (truncated file?)");
            if (Execute((byte)opcode, at))
            {
                if (stack.Count != 1 || marks.Count != 0)
                    throw Malformed(at, $"STOP leaves {stack.Count} values and {marks.Count} open marks instead of one value");
                return stack[0];
            }
        }
    }

    private bool Execute(byte opcode, long at)
    {
        switch (opcode)
        {
            case 0x80: // PROTO
                var protocol = ReadByte();
                if (protocol is < 2 or > 5)
                    throw Malformed(at, $"pickle protocol {protocol} is not supported (2 to 5 are)");
                break;
            case 0x95: // FRAME: a length hint only; the opcodes inside are read as usual.
                var frame = BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
                if (frame > (ulong)Remaining)
                    throw Malformed(at, $"a frame of {frame} bytes runs past the end of the file");
                break;
            case (byte)'.': // STOP
                return true;
            case (byte)'(': // MARK
                if (marks.Count >= MaxStack)
                    throw Malformed(at, "too many nested marks");
                marks.Push(stack.Count);
                break;
            case (byte)'N':
                Push(null);
                break;
            case 0x88: // NEWTRUE
                Push(true);
                break;
            case 0x89: // NEWFALSE
                Push(false);
                break;
            case (byte)'J': // BININT
                Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                break;
            case (byte)'K': // BININT1
                Push((long)ReadByte());
                break;
            case (byte)'M': // BININT2
                Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                break;
            case 0x8a: // LONG1
                Push(ReadLong1(at));
                break;
            case (byte)'G': // BINFLOAT
                Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                break;
            case (byte)'X': // BINUNICODE
                Push(ReadText(ReadLength32(at), at));
                break;
            case 0x8c: // SHORT_BINUNICODE
            case (byte)'U': // SHORT_BINSTRING (a Python 2 str, which torch decodes as UTF-8)
                Push(ReadText(ReadByte(), at));
                break;
            case (byte)'T': // BINSTRING
                Push(ReadText(ReadLength32(at), at));
                break;
            case (byte)'C': // SHORT_BINBYTES
                Push(ReadBytes(ReadByte()));
                break;
            case (byte)'B': // BINBYTES
                Push(ReadBytes(ReadLength32(at)));
                break;
            case (byte)')': // EMPTY_TUPLE
                Push(Array.Empty<object?>());
                break;
            case (byte)'t': // TUPLE
                Push(PopToMark(at));
                break;
            case 0x85: // TUPLE1
            case 0x86: // TUPLE2
            case 0x87: // TUPLE3
                Push(PopMany(opcode - 0x84, at));
                break;
            case (byte)']': // EMPTY_LIST
                Push(new List<object?>());
                break;
            case (byte)'a': // APPEND
                var item = Pop(at);
                Top<List<object?>>(at, "APPEND").Add(item);
                break;
            case (byte)'e': // APPENDS
                var items = PopToMark(at);
                Top<List<object?>>(at, "APPENDS").AddRange(items);
                break;
            case (byte)'}': // EMPTY_DICT
                Push(new PickleDict(ordered: false));
                break;
            case (byte)'s': // SETITEM
                var value = Pop(at);
                var key = Pop(at);
                SetItem(Top<PickleDict>(at, "SETITEM"), key, value, at);
                break;
            case (byte)'u': // SETITEMS
                var pairs = PopToMark(at);
                if (pairs.Length % 2 != 0)
                    throw Malformed(at, "SETITEMS has a key without a value");
                var dict = Top<PickleDict>(at, "SETITEMS");
                for (var i = 0; i < pairs.Length; i += 2)
                    SetItem(dict, pairs[i], pairs[i + 1], at);
                break;
            case (byte)'c': // GLOBAL
                var module = ReadLine(at);
                var name = ReadLine(at);
                Push(host.ResolveGlobal(module, name));
                break;
            case 0x93: // STACK_GLOBAL
                var globalName = Pop(at) as string ?? throw Malformed(at, "STACK_GLOBAL needs a string name");
                var globalModule = Pop(at) as string ?? throw Malformed(at, "STACK_GLOBAL needs a string module");
                Push(host.ResolveGlobal(globalModule, globalName));
                break;
            case (byte)'R': // REDUCE
                var arguments = Pop(at) as object?[] ?? throw Malformed(at, "REDUCE needs an argument tuple");
                var callable = Pop(at) ?? throw Malformed(at, "REDUCE calls None");
                Push(host.Reduce(callable, arguments));
                break;
            case (byte)'b': // BUILD
                var state = Pop(at);
                if (stack.Count == 0)
                    throw Malformed(at, "BUILD has no object to build");
                host.Build(stack[^1], state);
                break;
            case (byte)'Q': // BINPERSID
                Push(host.PersistentLoad(Pop(at)));
                break;
            case (byte)'q': // BINPUT
                Memoize(ReadByte(), at);
                break;
            case (byte)'r': // LONG_BINPUT
                Memoize(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), at);
                break;
            case 0x94: // MEMOIZE
                Memoize(memo.Count, at);
                break;
            case (byte)'h': // BINGET
                Push(Recall(ReadByte(), at));
                break;
            case (byte)'j': // LONG_BINGET
                Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), at));
                break;
            default:
                var shown = opcode is >= 0x21 and < 0x7f ? $" ('{(char)opcode}')" : "";
                throw Malformed(at, $"pickle opcode 0x{opcode:x2}{shown} is not supported by this reader");
        }
        return false;
    }

    private long Remaining => stream.Length - stream.Position;

    private WeightsFormatException Malformed(long at, string problem) =>
        new(source, $"{problem} (at byte {at})");

    private void Push(object? value)
    {
        if (stack.Count >= MaxStack)
            throw Malformed(stream.Position, "the pickle's stack grows beyond its limit");
        stack.Add(value);
    }

    private object? Pop(long at)
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks.Peek()))
            throw Malformed(at, "an opcode pops more values than the pickle pushed");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object?[] PopMany(int count, long at)
    {
        var floor = marks.Count > 0 ? marks.Peek() : 0;
        if (stack.Count - floor < count)
            throw Malformed(at, "an opcode pops more values than the pickle pushed");
        var values = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return values;
    }

    private object?[] PopToMark(long at)
    {
        if (marks.Count == 0)
            throw Malformed(at, "an opcode needs a MARK that the pickle never set");
        var start = marks.Pop();
        var values = stack.GetRange(start, stack.Count - start).ToArray();
        stack.RemoveRange(start, stack.Count - start);
        return values;
    }

    private T Top<T>(long at, string opcode) where T : class =>
        stack.Count > 0 && stack[^1] is T target
            ? target
            : throw Malformed(at, $"{opcode} applies to a {Describe(stack.Count > 0 ? stack[^1] : null)}, not a {typeof(T).Name}");

    private void SetItem(PickleDict dict, object? key, object? value, long at)
    {
        if (key is not (string or long))
            throw Malformed(at, $"a dict key is a {Describe(key)}; only strings and integers are supported");
        dict.Set(key, value);
    }

    private void Memoize(long index, long at)
    {
        if (stack.Count == 0)
            throw Malformed(at, "the pickle memoizes a value before pushing one");
        if (memo.Count >= MaxMemo && !memo.ContainsKey(index))
            throw Malformed(at, "the pickle's memo grows beyond its limit");
        memo[index] = stack[^1];
    }

    private object? Recall(long index, long at) =>
        memo.TryGetValue(index, out var value) ? value : throw Malformed(at, $"the pickle recalls memo entry {index}, which it never stored");

    private byte ReadByte()
    {
        var value = stream.ReadByte();
        return value >= 0 ? (byte)value : throw Malformed(stream.Position, "the file ends inside a pickle opcode (truncated?)");
    }

    private byte[] ReadBytes(long count)
    {
        if (count > Remaining)
            throw Malformed(stream.Position, $"a {count}-byte value runs past the end of the file (truncated?)");
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private long ReadLength32(long at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
        return length >= 0 ? length : throw Malformed(at, $"negative length {length}");
    }

    private string ReadText(long length, long at)
    {
        var bytes = ReadBytes(length);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed(at, "a string is not valid UTF-8");
        }
    }

    private string ReadLine(long at)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var value = ReadByte();
            if (value == (byte)'\n')
                break;
            if (bytes.Count >= MaxLineBytes)
                throw Malformed(at, "a GLOBAL name is too long");
            bytes.Add(value);
        }
        return Encoding.ASCII.GetString(bytes.ToArray());
    }

    private object ReadLong1(long at)
    {
        var length = ReadByte();
        if (length > MaxLongBytes)
            throw Malformed(at, $"a {length}-byte integer is larger than this reader accepts");
        var value = new BigInteger(ReadBytes(length), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        string => "string",
        long or BigInteger => "integer",
        bool => "bool",
        double => "float",
        byte[] => "bytes",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDict => "dict",
        _ => value.GetType().Name,
    };
}
