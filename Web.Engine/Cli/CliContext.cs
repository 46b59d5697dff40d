using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clap2Diffusion.Engine.Cli;

/// <summary>
/// The streams a verb talks through: results that scripts read go to <see cref="Out"/> (JSON where
/// structured), progress and diagnostics to <see cref="Error"/>.
/// </summary>
public sealed class CliContext(TextWriter output, TextWriter error, bool errorIsTerminal)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>True when stderr is a terminal, so a redrawn progress bar makes sense.</summary>
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    public static CliContext FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsErrorRedirected);

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, Json));
}
