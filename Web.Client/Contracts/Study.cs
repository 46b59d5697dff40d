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
    string? Problem);

/// <summary>A finished pair from the gallery that a study can use.</summary>
public sealed record StudyCandidate(Guid JobId, string Prompt, long Seed, PairRelation? Relation, string TextOnlyUrl, string AudioConditionedUrl,
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
    IReadOnlyList<NewStudyPair> NewPairs)
{
    public const int MaxPairs = 500;

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
        return problems;
    }
}

public sealed record StudyCreateResult(Guid? StudyId, IReadOnlyList<string> Problems);

/// <summary>One pair (or attention check) of a study as the admin sees it, condition included.</summary>
public sealed record StudyItemInfo(Guid Id, bool IsAttentionCheck, string Prompt, PairRelation? Relation, string State, int Votes);

public sealed record StudyDetail(StudySummary Summary, string Instructions, int? PairsPerParticipant, IReadOnlyList<StudyItemInfo> Items);

public readonly record struct Interval(double Low, double High);

public sealed record RelationResult(PairRelation? Relation, int Ratings, int Improved, double Share, Interval Wilson);

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
    int? RatingsNeededAbove70)
{
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
}
