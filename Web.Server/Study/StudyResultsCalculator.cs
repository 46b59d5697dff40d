using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Study.Statistics;

namespace Clap2Diffusion.Server.Study;

/// <summary>
/// Turns votes into the study's results. Only votes on real pairs count (attention checks are for screening);
/// a success is choosing the audio-conditioned image, and tie and both-bad count as "not improved". The
/// headline interval is the participant-cluster bootstrap, clusters in participant-id order so the fixed seed
/// gives the same interval every time. Nothing is left out silently: the results carry every pair vote, how many
/// the headline excludes, and how the votes were obtained (<see cref="StudyConduct"/>).
/// </summary>
public static class StudyResultsCalculator
{
    public static StudyResults Compute(Guid studyId, IReadOnlyList<StudyVoteRow> votes, bool excludeFailedAttention, StudyConduct conduct)
    {
        var checks = votes.Where(v => v.IsAttentionCheck).ToList();
        var failed = checks.Where(v => !v.ChoseTarget).Select(v => v.ParticipantId).ToHashSet();
        var attention = new AttentionSummary(checks.Count, checks.Count(v => v.ChoseTarget),
            checks.Select(v => v.ParticipantId).Distinct().Count(), failed.Count);

        var participants = votes.Select(v => v.ParticipantId).Distinct().Count();
        var counted = votes.Where(v => !v.IsAttentionCheck && !(excludeFailedAttention && failed.Contains(v.ParticipantId))).ToList();
        var overall = new Proportion(counted.Count(v => v.ChoseTarget), counted.Count);
        var clusters = counted.GroupBy(v => v.ParticipantId).OrderBy(g => g.Key)
            .Select(g => new Proportion(g.Count(v => v.ChoseTarget), g.Count())).ToList();
        var (bootLow, bootHigh) = ClusterBootstrap.Interval(clusters);
        var (wilsonLow, wilsonHigh) = overall.WilsonInterval();

        var byRelation = counted.GroupBy(v => v.Relation).OrderBy(g => g.Key is null ? int.MaxValue : (int)g.Key).Select(g =>
        {
            var share = new Proportion(g.Count(v => v.ChoseTarget), g.Count());
            var (low, high) = share.WilsonInterval();
            return new RelationResult(g.Key, share.Trials, share.Successes, share.Estimate, new Interval(low, high));
        }).ToList();

        var left = counted.Count(v => v.Choice == StudyChoice.Left);
        var right = counted.Count(v => v.Choice == StudyChoice.Right);
        var bias = new SideBias(left, right, Binomial.TwoSidedFairCoinPValue(left + right, left));

        int? needed = overall.Trials > 0 && overall.Estimate > 0.7 && overall.Estimate < 1
            ? SampleSize.ForOneSidedProportion(0.7, overall.Estimate)
            : null;

        return new StudyResults(studyId, excludeFailedAttention, participants,
            excludeFailedAttention ? votes.Where(v => failed.Contains(v.ParticipantId)).Select(v => v.ParticipantId).Distinct().Count() : 0,
            overall.Trials, overall.Successes, counted.Count(v => v.ChoseOther), counted.Count(v => v.Choice == StudyChoice.Tie),
            counted.Count(v => v.Choice == StudyChoice.BothBad), overall.Estimate, new Interval(wilsonLow, wilsonHigh),
            new Interval(bootLow, bootHigh), ClusterBootstrap.DefaultResamples, ClusterBootstrap.DefaultSeed,
            overall.ExactUpperTailPValue(0.5), overall.ExactUpperTailPValue(0.7), byRelation, bias, attention, needed, conduct,
            votes.Count(v => !v.IsAttentionCheck), counted.Count(v => v.FromGallery));
    }
}
