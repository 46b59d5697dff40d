namespace Clap2Diffusion.Engine.Serving;

/// <summary>A worker's calls that must get through (a claim, a result, a training report).</summary>
public static class WorkerCalls
{
    /// <summary>Retried with growing pauses for up to five minutes while the front end is unreachable or answers 5xx.</summary>
    public static T Retry<T>(Func<Task<T>> call, string what, TextWriter log)
    {
        var pause = TimeSpan.FromMilliseconds(250);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (Exception exception) when (exception is HttpRequestException { StatusCode: null or >= System.Net.HttpStatusCode.InternalServerError }
                or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                log.WriteLine($"serve: could not {what} ({exception.Message}); trying again in {pause.TotalSeconds:0.##} s");
                Thread.Sleep(pause);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
