using System.Buffers.Binary;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Clap2Diffusion.Tests.Engine.Parity;

/// <summary>Runs the parity verb in-process and edits copies of the shared fixtures.</summary>
internal static class ParityFixtures
{
    public static string Leaf(string leaf) => SharedData.PathOf(["parity", .. leaf.Split('/')]);

    public static (int Code, string[] Lines, string Error) Run(ITestOutputHelper log, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = EngineProgram.Run(["parity", .. args], new CliContext(output, error, errorIsTerminal: false));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
            log.WriteLine(line);
        log.WriteLine(error.ToString());
        return (code, lines, error.ToString());
    }

    /// <summary>The report line of one tensor (its qualified name followed by a space).</summary>
    public static string LineOf(string[] lines, string name) => Assert.Single(lines, line => line.StartsWith(name + " ", StringComparison.Ordinal));

    public static void CopyFolder(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
    }

    /// <summary>Adds <paramref name="delta"/> to one float32 element of a tensor, rewriting its bytes in place.</summary>
    public static void ShiftElement(string path, string tensorName, long index, float delta)
    {
        long offset;
        using (var file = SafeTensorsFile.Open(path))
        {
            var info = file.Info(tensorName);
            Assert.Equal("F32", info.DType);
            Assert.InRange(index, 0, info.ElementCount - 1);
            using var stream = File.OpenRead(path);
            Span<byte> length = stackalloc byte[8];
            stream.ReadExactly(length);
            offset = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(length) + info.Begin + index * 4;
        }
        using var writable = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var bytes = new byte[4];
        writable.Position = offset;
        writable.ReadExactly(bytes);
        var value = BinaryPrimitives.ReadSingleLittleEndian(bytes) + delta;
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        writable.Position = offset;
        writable.Write(bytes);
    }
}
