using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>Keeps every log entry of a test server, with its structured properties, so tests can read them.</summary>
public sealed class TestLogs : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties);

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IEnumerable<Entry> About(Guid jobId) =>
        Entries.Where(e => e.Properties.TryGetValue("JobId", out var id) && id is Guid g && g == jobId);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && !category.StartsWith("Microsoft", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var properties = state is IReadOnlyList<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : new Dictionary<string, object?>();
            logs.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), properties));
        }
    }
}
