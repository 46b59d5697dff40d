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
    /// <summary>The study takes participants through invitations or a panel, and this link carries no valid one.</summary>
    NeedsTicket,
    /// <summary>This invitation or panel id has already started its one session (in another browser).</summary>
    Duplicate,
}

/// <summary>
/// One trial as the participant's page receives it: two images under opaque per-trial addresses, left and
/// right in the order drawn for this trial. Deliberately nothing says which image had the audio.
/// </summary>
public sealed record TrialView(Guid TrialId, int Number, int Total, string Prompt, string AudioUrl, string LeftImageUrl, string RightImageUrl,
    bool AudioPlayed);

/// <summary>
/// What the finished page hands back to a panel: the code that proves completion and, when the study has one, the
/// address to return to (Prolific's completion link).
/// </summary>
public sealed record StudyCompletion(string? Code, string? Url);

public sealed record ParticipantView(ParticipantStage Stage, string StudyName, string Instructions, int Done, int Total, TrialView? Trial,
    StudyCompletion? Completion = null, StudyAccess Access = StudyAccess.Open)
{
    public static ParticipantView NotFound { get; } = new(ParticipantStage.NotFound, "", "", 0, 0, null);
}

public sealed record VoteResult(bool Accepted, string? Problem, ParticipantView View);

/// <summary>
/// The query parameters of the link a participant opened: the invitation token (<see cref="InvitationParameter"/>)
/// or the panel's participant id (under the study's own parameter name).
/// </summary>
public sealed record StudyLink(IReadOnlyDictionary<string, string> Parameters)
{
    public const string InvitationParameter = "invitation";

    public static StudyLink None { get; } = new(new Dictionary<string, string>());

    public string? this[string name] => Parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>Reads the parameters of an absolute or relative address; the first value of a repeated name wins.</summary>
    public static StudyLink FromUri(string uri)
    {
        var query = uri.IndexOf('?') is var start and >= 0 ? uri[(start + 1)..] : "";
        if (query.IndexOf('#') is var hash and >= 0)
            query = query[..hash];
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            parameters.TryAdd(name, value);
        }

        return new StudyLink(parameters);
    }

    public static bool IsParameterName(string? name) =>
        name is { Length: >= 1 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>A panel's participant id: Prolific's are 24 hex digits; other panels use letters, digits, '_' and '-'.</summary>
    public static bool IsPanelId(string? id) => id is { Length: >= 1 and <= 128 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}

/// <summary>A participant's side of a study, keyed by the study's link code and the anonymous client id.</summary>
public interface IStudyParticipation
{
    /// <summary>The participant's place in the study; <paramref name="link"/> carries the invitation or panel id of a newcomer.</summary>
    Task<ParticipantView> OpenAsync(string joinCode, string clientId, StudyLink? link = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records consent and draws this participant's trials (order and sides). In invitations and panel mode the
    /// link's invitation or panel id is claimed here, once: a second browser presenting it is refused.
    /// </summary>
    Task<ParticipantView> ConsentAsync(string joinCode, string clientId, StudyLink? link = null, CancellationToken cancellationToken = default);

    /// <summary>Records that the trial's sound was played to its end; voting needs it.</summary>
    Task<bool> AudioPlayedAsync(string joinCode, string clientId, Guid trialId, CancellationToken cancellationToken = default);

    /// <summary>
    /// One vote per participant per pair: a second vote on the same trial is refused, and so is a vote that comes
    /// sooner after the trial was shown than its clip is long (less the study's tolerance).
    /// </summary>
    Task<VoteResult> VoteAsync(string joinCode, string clientId, Guid trialId, StudyChoice choice, CancellationToken cancellationToken = default);
}
