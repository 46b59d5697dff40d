using Clap2Diffusion.Engine.Training.Data;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>The study export as rows of header-named fields, read with the engine's RFC 4180 reader.</summary>
public static class Csv
{
    public static List<Dictionary<string, string>> Read(string text)
    {
        var rows = CsvReader.Read(new StringReader(text), "study export").ToList();
        var header = rows[0];
        return rows.Skip(1).Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
