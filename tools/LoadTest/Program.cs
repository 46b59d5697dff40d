using System.Runtime.InteropServices;

namespace Clap2Diffusion.LoadTest;

public static class LoadTestProgram
{
    public static async Task<int> Main(string[] args)
    {
        LoadTestOptions options;
        try
        {
            options = LoadTestOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(LoadTestOptions.Usage);
            return 2;
        }

        // Ctrl+C or SIGTERM cancels the run instead of ending the process, so the processes --workers started are
        // stopped and its temporary folder deleted on the way out.
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        try
        {
            if (options.WorkerLayouts.Count > 0)
            {
                var reports = await new WorkerLoadTest(options, Console.Error).RunAsync(stop.Token);
                WorkerLoadTest.Print(reports, Console.Out);
                return reports.All(r => r.Report.Passed) ? 0 : 1;
            }

            using var http = new HttpClient { BaseAddress = options.Server, Timeout = TimeSpan.FromMinutes(2) };
            var report = await new LoadTestRunner(http, options, Console.Error).RunAsync(stop.Token);
            report.Print(Console.Out);
            return report.Passed ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or OperationCanceledException or IOException)
        {
            Console.Error.WriteLine($"load test stopped: {exception.Message}");
            return 1;
        }

        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
