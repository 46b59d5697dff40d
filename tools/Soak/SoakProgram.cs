namespace Clap2Diffusion.Soak;

public static class SoakProgram
{
    public static async Task<int> Main(string[] args)
    {
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(SoakOptions.Usage);
            return 2;
        }

        var report = await SoakRun.RunAsync(options, TextWriter.Synchronized(Console.Error), CancellationToken.None);
        report.Print(Console.Out);
        return report.Healthy ? 0 : 1;
    }
}
