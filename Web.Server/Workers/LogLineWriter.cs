using System.Text;

namespace Clap2Diffusion.Server.Workers;

/// <summary>The engine worker writes its lines to a <see cref="TextWriter"/>; inside the web process they go to the log.</summary>
public sealed class LogLineWriter(ILogger logger) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void WriteLine(string? value)
    {
        if (!string.IsNullOrEmpty(value))
            logger.LogInformation("{WorkerLine}", value);
    }

    public override void Write(char value)
    {
        // Only whole lines are logged; the worker writes nothing else.
    }
}
