using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Client.Contracts;

/// <summary>A participant's answer on one trial. Tie and both-bad count as "not improved" in the results.</summary>
public enum StudyChoice
{
    Left,
    Right,
    Tie,
    BothBad,
}

/// <summary>Preparing: pairs are still being generated. Ready: complete, not yet taking participants.</summary>
public enum StudyState
{
    Preparing,
    Ready,
    Open,
    Closed,
}

/// <summary>
/// How participants reach a study. Open: anyone with the link (a pilot; its results say so). Invitations: each
/// single-use link starts one session. Panel: a recruitment panel passes its participant id in the link, and each
/// id gets one session.
/// </summary>
public enum StudyAccess
{
    Open,
    Invitations,
    Panel,
}

public sealed record StudySummary(
    Guid Id,
    string Name,
    StudyState State,
    int Pairs,
    int PendingPairs,
    int AttentionChecks,
    int TargetRatings,
    int Ratings,
    int Participants,
    string JoinUrl,
    DateTimeOffset CreatedAt,
    string? Problem,
    StudyAccess Access = StudyAccess.Open);

/// <summary>A finished pair from the gallery that a study can use.</summary>
public sealed record StudyCandidate(Guid JobId, string Prompt, long Seed, PromptAudioRelation? Relation, string TextOnlyUrl, string AudioConditionedUrl,
    DateTimeOffset CreatedAt);

/// <summary>A pair to generate when the study is created: the prompt, the admin's uploaded clip and an optional seed.</summary>
public sealed record NewStudyPair(string Prompt, Guid AudioUploadId, long? Seed);

/// <summary>What an admin fills in to create a study.</summary>
public sealed record StudyDraft(
    string Name,
    string Instructions,
    int TargetRatings,
    int AttentionChecks,
    int? PairsPerParticipant,
    IReadOnlyList<Guid> ExistingPairs,
    IReadOnlyList<NewStudyPair> NewPairs,
    StudyAccess Access = StudyAccess.Open,
    string PanelIdParameter = StudyDraft.DefaultPanelIdParameter,
    string? CompletionCode = null,
    string? CompletionUrl = null,
    double ListeningToleranceSeconds = StudyDraft.DefaultListeningTolerance)
{
    public const int MaxPairs = 500;

    /// <summary>The parameter Prolific adds to a study link.</summary>
    public const string DefaultPanelIdParameter = "PROLIFIC_PID";

    /// <summary>How much sooner than the clip's length a vote may come (page and network delays).</summary>
    public const double DefaultListeningTolerance = 0.5;

    public const double MaxListeningTolerance = 10;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 120)
            problems.Add("Give the study a name of 1 to 120 characters.");
        if (Instructions.Length > 4000)
            problems.Add("The instructions may be at most 4000 characters long.");
        var pairs = ExistingPairs.Distinct().Count() + NewPairs.Count;
        if (pairs == 0)
            problems.Add("Choose at least one pair from the gallery or add a prompt and a clip to generate.");
        if (pairs > MaxPairs)
            problems.Add($"A study holds at most {MaxPairs} pairs, not {pairs}.");
        if (TargetRatings is < 1 or > 1_000_000)
            problems.Add("The target number of ratings must be between 1 and 1,000,000.");
        if (AttentionChecks < 0 || AttentionChecks > Math.Max(0, pairs))
            problems.Add($"Attention checks must be between 0 and the number of pairs ({pairs}).");
        if (PairsPerParticipant is { } perParticipant && (perParticipant < 1 || perParticipant > pairs))
            problems.Add($"Pairs per participant must be between 1 and {pairs}, or empty for all of them.");
        foreach (var pair in NewPairs.Where(p => string.IsNullOrWhiteSpace(p.Prompt)))
            problems.Add("Every pair to generate needs a prompt.");
        if (!Enum.IsDefined(Access))
            problems.Add("Choose how participants reach the study: open, invitations or panel.");
        if (Access == StudyAccess.Panel && !StudyLink.IsParameterName(PanelIdParameter))
            problems.Add("The panel's participant id parameter must be 1 to 64 letters, digits, '_' or '-' (Prolific uses PROLIFIC_PID).");
        if (Access == StudyAccess.Panel && string.IsNullOrWhiteSpace(CompletionCode))
            problems.Add("A panel study needs a completion code: the panel pays participants who bring it back.");
        if (CompletionCode is { } code && (code.Trim().Length > 64 || code.Trim().Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))))
            problems.Add("The completion code must be at most 64 letters, digits, '_' or '-'.");
        if (!string.IsNullOrWhiteSpace(CompletionUrl)
            && (!Uri.TryCreate(CompletionUrl.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || CompletionUrl.Length > 2000))
            problems.Add("The completion URL must be an absolute http or https address (at most 2000 characters).");
        if (!(ListeningToleranceSeconds is >= 0 and <= MaxListeningTolerance))
            problems.Add($"The listening tolerance must be between 0 and {MaxListeningTolerance:0} seconds.");
        return problems;
    }
}

public sealed record StudyCreateResult(Guid? StudyId, IReadOnlyList<string> Problems);

/// <summary>One pair (or attention check) of a study as the admin sees it, condition included.</summary>

public sealed record StudyItemInfo(Guid Id, bool IsAttentionCheck, string Prompt, PromptAudioRelation? Relation, string State, int Votes, bool FromGallery = false);

public sealed record StudyDetail(StudySummary Summary, string Instructions, int? PairsPerParticipant, IReadOnlyList<StudyItemInfo> Items,
    StudyConduct? Conduct = null, string? PanelIdParameter = null, string? CompletionCode = null, string? CompletionUrl = null,
    double ListeningToleranceSeconds = StudyDraft.DefaultListeningTolerance);

/// <summary>One single-use invitation link and whether it has started its session.</summary>
public sealed record StudyInvitation(string Url, DateTimeOffset CreatedAt, DateTimeOffset? UsedAt);

/// <summary>
/// How a study's votes were obtained, beside the votes themselves: the access mode, sessions refused because the
/// person (panel id or invitation) already had one, votes refused for coming sooner than the clip could be heard,
/// and how many pairs came from the public gallery (participants may have seen those labelled).
/// </summary>
public sealed record StudyConduct(StudyAccess Access, int DuplicateSessionsRefused, int TooFastVotesRefused, int GalleryPairs)
{
    public static StudyConduct None { get; } = new(StudyAccess.Open, 0, 0, 0);
}

public readonly record struct Interval(double Low, double High);

public sealed record RelationResult(PromptAudioRelation? Relation, int Ratings, int Improved, double Share, Interval Wilson);

/// <summary>Among blind left/right choices on real pairs: how often the left image was picked, and whether that departs from 50%.</summary>
public sealed record SideBias(int Left, int Right, double PValue);

public sealed record AttentionSummary(int Checks, int Passed, int ParticipantsChecked, int ParticipantsFailed)
{
    public double PassRate => Checks == 0 ? double.NaN : (double)Passed / Checks;
}

/// <summary>
/// The study's answer to "did the audio improve the image?". Only blind votes on real pairs count; tie and
/// both-bad count as not improved. The headline interval resamples participants, since one person's ratings
/// are not independent.
/// </summary>
public sealed record StudyResults(
    Guid StudyId,
    bool ExcludesFailedAttention,
    int Participants,
    int ParticipantsExcluded,
    int Ratings,
    int Improved,
    int ChoseTextOnly,
    int Ties,
    int BothBad,
    double Share,
    Interval Wilson,
    Interval Bootstrap,
    int BootstrapResamples,
    int BootstrapSeed,
    double PValueAbove50,
    double PValueAbove70,
    IReadOnlyList<RelationResult> ByRelation,
    SideBias Bias,
    AttentionSummary Attention,
    int? RatingsNeededAbove70,
    StudyConduct Conduct,
    int PairVotes,
    int GalleryRatings)
{
    /// <summary>Votes on real pairs left out of the headline (participants who failed an attention check, when chosen).</summary>
    public int VotesExcluded => PairVotes - Ratings;

    /// <summary>An open link lets one person take part many times, so its results are a pilot's.</summary>
    public bool IsPilot => Conduct.Access == StudyAccess.Open;

    public const double Alpha = 0.05;

    public bool ShownAbove50 => PValueAbove50 < Alpha;

    public bool ShownAbove70 => PValueAbove70 < Alpha;
}

/// <summary>The studies an admin manages; every method is for admins only (the pages and endpoints enforce it).</summary>
public interface IStudyAdmin
{
    Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StudyCandidate>> CandidatesAsync(string? text, CancellationToken cancellationToken = default);

    /// <summary>Creates the study; pairs to generate are queued under <paramref name="adminClientId"/>, who uploaded their clips.</summary>
    Task<StudyCreateResult> CreateAsync(string adminClientId, StudyDraft draft, CancellationToken cancellationToken = default);

    Task<StudyDetail?> GetAsync(Guid studyId, CancellationToken cancellationToken = default);

    /// <summary>Opens a ready study to participants, or closes an open one; false when the change is not possible.</summary>
    Task<bool> SetStateAsync(Guid studyId, StudyState state, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(Guid studyId, CancellationToken cancellationToken = default);

    Task<StudyResults?> ResultsAsync(Guid studyId, bool excludeFailedAttention, CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="count"/> new single-use links for a study in invitations mode; empty when it is not one.</summary>
    Task<IReadOnlyList<StudyInvitation>> CreateInvitationsAsync(Guid studyId, int count, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StudyInvitation>> InvitationsAsync(Guid studyId, CancellationToken cancellationToken = default);
}
