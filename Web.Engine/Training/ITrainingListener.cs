namespace Clap2Diffusion.Engine.Training;

/// <summary>One sample image a run wrote: the validation pair's prompt and sound caption, with or without its audio.</summary>
public sealed record TrainingSample(long Step, string Path, string Prompt, string AudioCaption, bool WithAudio)
{
    /// <summary>How the admin pages caption the sample.</summary>
    public string Caption => WithAudio ? $"{Prompt} + sound: {AudioCaption}" : $"{Prompt} (text only)";
}

/// <summary>
/// Told about each file a run completes, as soon as it is complete, so a host that shows a run live (the admin
/// console) takes them from here rather than watching the run folder. Called on the training thread.
/// </summary>
public interface ITrainingListener
{
    void SampleWritten(TrainingSample sample);

    /// <summary>A complete checkpoint folder, the one a resumed run continues from.</summary>
    void CheckpointWritten(long step, string folder);

    /// <summary>A step skipped for a non-finite loss or gradient (the run goes on until too many come in a row).</summary>
    void StepSkipped(NonFiniteStep step)
    {
    }
}
