using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Runs;

namespace Clap2Diffusion.Server.Models;

/// <summary><see cref="IModelConsole"/>: lists folders under the model roots, checks them, and switches the active ones.</summary>
public sealed class ModelConsole(IModelManager manager, ModelRoots roots, ModelSwitch modelSwitch, RunStore runs, QueueSignal signal,
    ILogger<ModelConsole> logger) : IModelConsole
{
    public IReadOnlyList<string> Roots => roots.All;

    public async Task<IReadOnlyList<ModelFolderInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var scanned = await Task.Run(() => manager.Scan(roots.All), cancellationToken);
        var fromRuns = (await runs.CheckpointsAsync(cancellationToken))
            .Where(c => Directory.Exists(c.Checkpoint.Path))
            .Select(c => new ModelFolderInfo(ModelComponent.Adapters, c.Checkpoint.Path, c.Run.Title,
                $"training run {c.Run.Id.ToString("N")[..8]}, step {c.Checkpoint.Step}"))
            .ToList();
        var known = fromRuns.Select(f => f.Folder).ToHashSet(StringComparer.Ordinal);
        return fromRuns.Concat(scanned.Where(f => !known.Contains(f.Folder)))
            .OrderBy(f => f.Component).ThenBy(f => f.Origin is null).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    public Task<ModelCheckReport> CheckAsync(string folder, ModelComponent component, CancellationToken cancellationToken = default) =>
        CheckAsync(folder, component, null, cancellationToken);

    /// <summary>With a selection, the folder is checked as part of it (adapters against the base model and CLAP chosen with them).</summary>
    private async Task<ModelCheckReport> CheckAsync(string folder, ModelComponent component, ModelSelection? selection,
        CancellationToken cancellationToken)
    {
        var (resolved, problem) = FolderGuard.Resolve(folder, roots.All);
        if (resolved is null)
            return ModelCheckReport.Refused(folder, problem!);
        return await Task.Run(() => selection is null ? manager.Check(resolved, component) : manager.Check(resolved, component, selection),
            cancellationToken);
    }

    public Task<ModelSelection> ActiveAsync(CancellationToken cancellationToken = default) => modelSwitch.ActiveAsync(cancellationToken);

    public async Task<ActivateResult> ActivateAsync(ModelSelection selection, CancellationToken cancellationToken = default)
    {
        var checks = new List<ModelCheckReport>();
        var resolved = selection;
        foreach (var (folder, component) in new (string? Folder, ModelComponent Component)[]
                 {
                     (selection.BaseModelFolder, ModelComponent.BaseModel), (selection.ClapFolder, ModelComponent.Clap),
                     (selection.AdapterFolder, ModelComponent.Adapters),
                 })
        {
            if (string.IsNullOrWhiteSpace(folder))
                continue;
            var report = await CheckAsync(folder, component, resolved, cancellationToken);
            checks.Add(report);
            resolved = component switch
            {
                ModelComponent.BaseModel => resolved with { BaseModelFolder = report.Folder },
                ModelComponent.Clap => resolved with { ClapFolder = report.Folder },
                _ => resolved with { AdapterFolder = report.Folder },
            };
        }

        var failed = checks.Where(c => !c.Ok).ToList();
        if (failed.Count > 0)
            return new ActivateResult(false, checks, failed.Select(c => $"{c.Folder} did not pass check-weights, so nothing was switched.").ToList());
        await modelSwitch.RequestAsync(Blank(resolved), cancellationToken);
        signal.Notify();
        logger.LogInformation("Models switched for the next job: base {Base}, CLAP {Clap}, adapters {Adapters}",
            resolved.BaseModelFolder ?? "default", resolved.ClapFolder ?? "default", resolved.AdapterFolder ?? "default");
        return new ActivateResult(true, checks, []);
    }

    private static ModelSelection Blank(ModelSelection selection) => new(
        string.IsNullOrWhiteSpace(selection.BaseModelFolder) ? null : selection.BaseModelFolder,
        string.IsNullOrWhiteSpace(selection.ClapFolder) ? null : selection.ClapFolder,
        string.IsNullOrWhiteSpace(selection.AdapterFolder) ? null : selection.AdapterFolder);
}
