namespace Clap2Diffusion.Client.Contracts;

public enum ParticipantStage
{
    /// <summary>No study has this link.</summary>
    NotFound,
    /// <summary>The study is not taking participants (being prepared, or closed).</summary>
    NotOpen,
    /// <summary>The study has all the ratings it needs; new participants are not taken.</summary>
    Full,
    /// <summary>The participant has not agreed to take part yet.</summary>
    Consent,
    Rating,
    Finished,
}

/// <summary>
/// One trial as the participant's page receives it: two images under opaque per-trial addresses, left and
/// right in the order drawn for this trial. Deliberately nothing says which image had the audio.
/// </summary>
public sealed record TrialView(Guid TrialId, int Number, int Total, string Prompt, string AudioUrl, string LeftImageUrl, string RightImageUrl,
    bool AudioPlayed);

public sealed record ParticipantView(ParticipantStage Stage, string StudyName, string Instructions, int Done, int Total, TrialView? Trial)
{
    public static ParticipantView NotFound { get; } = new(ParticipantStage.NotFound, "", "", 0, 0, null);
}

public sealed record VoteResult(bool Accepted, string? Problem, ParticipantView View);

/// <summary>A participant's side of a study, keyed by the study's link code and the anonymous client id.</summary>
public interface IStudyParticipation
{
    Task<ParticipantView> OpenAsync(string joinCode, string clientId, CancellationToken cancellationToken = default);

    /// <summary>Records consent and draws this participant's trials (order and sides).</summary>
    Task<ParticipantView> ConsentAsync(string joinCode, string clientId, CancellationToken cancellationToken = default);

    /// <summary>Records that the trial's sound was played to its end; voting needs it.</summary>
    Task<bool> AudioPlayedAsync(string joinCode, string clientId, Guid trialId, CancellationToken cancellationToken = default);

    /// <summary>One vote per participant per pair: a second vote on the same trial is refused.</summary>
    Task<VoteResult> VoteAsync(string joinCode, string clientId, Guid trialId, StudyChoice choice, CancellationToken cancellationToken = default);
}
