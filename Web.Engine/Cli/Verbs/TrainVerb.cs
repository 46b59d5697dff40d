using System.CommandLine;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>train [--config F.json] [overrides]</c>: trains (or resumes) the V4 adapters. Ctrl+C stops at the next step
/// boundary with a clean final checkpoint. stdout gets one JSON object with the outcome.
/// </summary>
public static class TrainVerb
{
    public static Command Create(CliContext cli)
    {
        var config = new Option<string?>("--config") { Description = "training settings (JSON); the options below override it" };
        var dataset = new Option<string?>("--dataset") { Description = "AudioCaps-format folder (train.csv, audio/, images/)" };
        var split = new Option<string?>("--split") { Description = "train, val or test" };
        var stage = new Option<int?>("--stage") { Description = "1 = projection alignment, 2 = weight optimisation" };
        var steps = new Option<int?>("--steps") { Description = "optimiser steps" };
        var batch = new Option<int?>("--batch-size") { Description = "samples per step" };
        var accumulation = new Option<int?>("--grad-accumulation") { Description = "micro-batches per step" };
        var learningRate = new Option<double?>("--lr") { Description = "learning rate" };
        var limit = new Option<int?>("--limit") { Description = "use at most N samples" };
        var output = new Option<string?>("--output") { Description = "run folder (checkpoints, metrics.jsonl, samples, adapters)" };
        var model = new Option<string?>("--model") { Description = "diffusers model folder (default: the embedded demo model)" };
        var clap = new Option<string?>("--clap") { Description = "CLAP folder (default: <model>/clap)" };
        var adapterConfig = new Option<string?>("--adapter-config") { Description = "full, compact, or a config.json" };
        var initAdapters = new Option<string?>("--init-adapters")
        {
            Description = "adapters to start from; stage 2 requires a stage-1 result (its adapters folder, run folder or checkpoint)",
        };
        var loraRank = new Option<int?>("--lora-rank") { Description = "rank of the LoRA on the UNet's attention projections, trained in stage 2 (0: none)" };
        var loraAlpha = new Option<double?>("--lora-alpha") { Description = "the LoRA's alpha (update scaled by alpha / rank; default: the rank)" };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "steps between checkpoints" };
        var sampleEvery = new Option<int?>("--sample-every") { Description = "steps between sample images" };
        var seed = new Option<long?>("--seed") { Description = "seed of every random choice" };
        var resumeFrom = new Option<string?>("--resume-from") { Description = "checkpoint folder to continue from (default: the output folder's latest)" };
        var maxNonFinite = new Option<int?>("--max-non-finite-steps")
        {
            Description = "consecutive steps with a non-finite loss or gradient (each skipped) after which the run fails (default 20)",
        };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var command = new Command("train", "Train the V4 audio adapters on an AudioCaps-format dataset.")
        {
            config, dataset, split, stage, steps, batch, accumulation, learningRate, limit, output, model, clap, adapterConfig,
            initAdapters, loraRank, loraAlpha, checkpointEvery, sampleEvery, seed, resumeFrom, maxNonFinite, device,
        };
        command.SetAction(result => VerbAction.Guard(cli, () =>
        {
            var configPath = result.GetValue(config);
            var settings = configPath is null ? new AdapterTrainingSettings() : AdapterTrainingSettings.Read(configPath);
            settings = settings with
            {
                Dataset = result.GetValue(dataset) ?? settings.Dataset,
                Split = result.GetValue(split) ?? settings.Split,
                Stage = result.GetValue(stage) ?? settings.Stage,
                Steps = result.GetValue(steps) ?? settings.Steps,
                BatchSize = result.GetValue(batch) ?? settings.BatchSize,
                GradientAccumulation = result.GetValue(accumulation) ?? settings.GradientAccumulation,
                LearningRate = result.GetValue(learningRate) ?? settings.LearningRate,
                LimitSamples = result.GetValue(limit) ?? settings.LimitSamples,
                Output = result.GetValue(output) ?? settings.Output,
                Model = result.GetValue(model) ?? settings.Model,
                Clap = result.GetValue(clap) ?? settings.Clap,
                AdapterConfig = result.GetValue(adapterConfig) ?? settings.AdapterConfig,
                InitAdapters = result.GetValue(initAdapters) ?? settings.InitAdapters,
                LoraRank = result.GetValue(loraRank) ?? settings.LoraRank,
                LoraAlpha = result.GetValue(loraAlpha) ?? settings.LoraAlpha,
                CheckpointEvery = result.GetValue(checkpointEvery) ?? settings.CheckpointEvery,
                SampleEvery = result.GetValue(sampleEvery) ?? settings.SampleEvery,
                Seed = result.GetValue(seed) ?? settings.Seed,
                ResumeFrom = result.GetValue(resumeFrom) ?? settings.ResumeFrom,
                MaxNonFiniteSteps = result.GetValue(maxNonFinite) ?? settings.MaxNonFiniteSteps,
            };
            return Run(cli, settings, ComputeTarget.Resolve(new DeviceSettings { Device = result.GetValue(device)! }));
        }));
        return command;
    }

    public static int Run(CliContext cli, AdapterTrainingSettings settings, ComputeTarget target, CancellationToken cancellation = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cli.Error.WriteLine("\nstopping at the next step; writing a final checkpoint...");
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var progress = new ConsoleProgress(cli);
            var outcome = AdapterTrainer.Run(settings, target, progress: p => progress.Report(p.Phase, p.Step, p.TotalSteps),
                cancellation: stop.Token, listener: new SkipReporter(cli));
            progress.Finish();
            cli.Error.WriteLine(outcome.Report.Summary);
            cli.WriteJson(new
            {
                outcome.RunFolder,
                outcome.Step,
                outcome.TotalSteps,
                outcome.Completed,
                outcome.AdaptersFolder,
                Usable = outcome.Report.Usable,
                Skipped = outcome.Report.Skipped.Count,
                outcome.FrozenUnchanged,
            });
            if (!outcome.FrozenUnchanged)
            {
                cli.Error.WriteLine("error: a frozen network's weights changed during training");
                return ExitCodes.Failure;
            }
            return ExitCodes.Success;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Prints each skipped non-finite step on stderr, where the progress bar is, so a user sees it as it happens.</summary>
    private sealed class SkipReporter(CliContext cli) : ITrainingListener
    {
        public void SampleWritten(TrainingSample sample)
        {
        }

        public void CheckpointWritten(long step, string folder)
        {
        }

        public void StepSkipped(NonFiniteStep step) =>
            cli.Error.WriteLine($"\nstep {step.Step} skipped: non-finite {step.Cause} on items {string.Join(", ", step.ItemIds)} " +
                $"(last finite loss {NonFiniteTrainingException.FormatLoss(step.LastFiniteLoss)}; {step.Consecutive} in a row, {step.Total} in this run)");
    }
}
