using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Server.Study;

/// <summary>One vote as the results and the CSV export read it, condition included (admins only).</summary>
public sealed record StudyVoteRow(
    Guid ParticipantId,
    int Order,
    Guid ItemId,
    bool IsAttentionCheck,
    PromptAudioRelation? Relation,
    string Prompt,
    bool TargetOnLeft,
    StudyChoice Choice,
    DateTime? ShownAt,
    DateTime? AudioPlayedAt,
    DateTime VotedAt,
    bool FromGallery = false,
    int TooFastVotes = 0)
{
    /// <summary>For a pair, "the audio improved it"; for an attention check, "passed".</summary>
    public bool ChoseTarget => (Choice == StudyChoice.Left && TargetOnLeft) || (Choice == StudyChoice.Right && !TargetOnLeft);

    public bool ChoseOther => (Choice == StudyChoice.Left && !TargetOnLeft) || (Choice == StudyChoice.Right && TargetOnLeft);
}
