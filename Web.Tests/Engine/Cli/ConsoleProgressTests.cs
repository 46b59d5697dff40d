using System.Globalization;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Evaluation;

namespace Clap2Diffusion.Tests.Engine.Cli;

public sealed class ConsoleProgressTests
{
    [Fact]
    public void Lines_are_culture_invariant_and_show_hours_for_a_run_over_an_hour()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("0,5", 0.5.ToString(CultureInfo.CurrentCulture));
            var (progress, error, clock) = Logged(terminal: false);

            progress.Report("training", 0, 3000);
            clock.Advance(TimeSpan.FromMinutes(45));
            progress.Report("training", 1000, 3000, "loss 0.125");
            clock.Advance(TimeSpan.FromMinutes(50));
            progress.Report("training", 2000, 3000);

            Assert.Equal(
            [
                "training 0/3000 (0%) elapsed 0:00:00 eta unknown",
                "training 1000/3000 (33%) elapsed 0:45:00 eta 1:30:00; loss 0.125",
                "training 2000/3000 (67%) elapsed 1:35:00 eta 0:47:30",
            ], Lines(error));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void A_terminal_bar_shows_hours_in_its_estimate()
    {
        var (progress, error, clock) = Logged(terminal: true);

        progress.Report("demo", 0, 4);
        clock.Advance(TimeSpan.FromHours(2));
        progress.Report("demo", 1, 4);
        progress.Finish();

        Assert.Contains("demo         [########......................] 1/4 eta 6:00:00", error.ToString());
        Assert.EndsWith(Environment.NewLine, error.ToString());
    }

    [Fact]
    public void Between_tenths_a_log_gets_a_line_only_after_the_interval()
    {
        var (progress, error, clock) = Logged(terminal: false);

        progress.Report("caching", 1, 100);
        clock.Advance(TimeSpan.FromSeconds(1));
        progress.Report("caching", 2, 100);
        clock.Advance(ConsoleProgress.LineInterval);
        progress.Report("caching", 3, 100);
        progress.Report("caching", 10, 100);
        progress.Report("caching", 100, 100);

        Assert.Equal(["caching 1/100", "caching 3/100", "caching 10/100", "caching 100/100"],
            Lines(error).Select(line => string.Join(' ', line.Split(' ')[..2])));
    }

    [Fact]
    public void An_evaluation_prints_each_other_stage_once_and_counts_its_images()
    {
        var (progress, error, clock) = Logged(terminal: false);

        IProgress<EvaluationProgress> evaluation = progress;
        evaluation.Report(new EvaluationProgress("loading", 0, 0, "measures"));
        evaluation.Report(new EvaluationProgress("loading", 0, 0, "measures again"));
        evaluation.Report(new EvaluationProgress(ConsoleProgress.GeneratingStage, 0, 8, "first"));
        clock.Advance(TimeSpan.FromSeconds(8));
        evaluation.Report(new EvaluationProgress(ConsoleProgress.GeneratingStage, 8, 8, "last"));
        evaluation.Report(new EvaluationProgress("scoring", 0, 0, "FID"));

        Assert.Equal(
        [
            "loading: measures",
            "generating 0/8 (0%) elapsed 0:00:00 eta unknown; first",
            "generating 8/8 (100%) elapsed 0:00:08 eta 0:00:00; last",
            "scoring: FID",
        ], Lines(error));
    }

    private static (ConsoleProgress Progress, StringWriter Error, ManualClock Clock) Logged(bool terminal)
    {
        var error = new StringWriter();
        var clock = new ManualClock();
        return (new ConsoleProgress(new CliContext(new StringWriter(), error, terminal), clock), error, clock);
    }

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A clock that moves only when told, so an hour-long run takes no time.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;
    }
}
