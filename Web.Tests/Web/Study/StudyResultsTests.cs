using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Server.Study;
using Clap2Diffusion.Server.Study.Statistics;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>
/// The results and the CSV export of a small study worked out by hand (numbers checked with Python's math and
/// statistics modules). Three participants: P1 answers 3 of 4 pairs "audio" and a tie, and passes its check;
/// P2 answers 2 of 4 "audio", once the text-only image and once both-bad, and fails its check; P3 answers 2 of 2 "audio".
/// </summary>
public sealed class StudyResultsTests
{
    private static readonly Guid P1 = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid P2 = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid P3 = Guid.Parse("00000000-0000-0000-0000-000000000003");

    private static StudyVoteRow Vote(Guid participant, int order, PromptAudioRelation? relation, bool targetOnLeft, StudyChoice choice, bool check = false) =>
        new(participant, order, Guid.NewGuid(), check, check ? null : relation, $"prompt {order}", targetOnLeft, choice,
            DateTime.UnixEpoch, DateTime.UnixEpoch, DateTime.UnixEpoch.AddSeconds(order));

    private static readonly List<StudyVoteRow> Votes =
    [
        Vote(P1, 1, PromptAudioRelation.Matching, true, StudyChoice.Left),
        Vote(P1, 2, PromptAudioRelation.Matching, false, StudyChoice.Right),
        Vote(P1, 3, PromptAudioRelation.Creative, true, StudyChoice.Left),
        Vote(P1, 4, PromptAudioRelation.Creative, false, StudyChoice.Tie),
        Vote(P1, 5, null, true, StudyChoice.Left, check: true),
        Vote(P2, 1, PromptAudioRelation.Matching, true, StudyChoice.Left),
        Vote(P2, 2, PromptAudioRelation.Matching, false, StudyChoice.Right),
        Vote(P2, 3, PromptAudioRelation.Contradictory, true, StudyChoice.Right),
        Vote(P2, 4, PromptAudioRelation.Contradictory, false, StudyChoice.BothBad),
        Vote(P2, 5, null, false, StudyChoice.Left, check: true),
        Vote(P3, 1, PromptAudioRelation.Creative, true, StudyChoice.Left),
        Vote(P3, 2, PromptAudioRelation.Matching, true, StudyChoice.Left),
    ];

    [Fact]
    public void Only_blind_votes_on_pairs_count_and_tie_and_both_bad_are_not_improved()
    {
        var r = StudyResultsCalculator.Compute(Guid.Empty, Votes, excludeFailedAttention: false, StudyConduct.None);

        Assert.Equal((3, 0, 10, 7), (r.Participants, r.ParticipantsExcluded, r.Ratings, r.Improved));
        Assert.Equal((1, 1, 1), (r.ChoseTextOnly, r.Ties, r.BothBad));
        Assert.Equal(0.7, r.Share, 12);
        Assert.Equal(0.39677814746114537, r.Wilson.Low, 9);
        Assert.Equal(0.8922087325936989, r.Wilson.High, 9);
        Assert.Equal(0.171875, r.PValueAbove50, 12);
        Assert.Equal(0.6496107183999998, r.PValueAbove70, 12);
        Assert.False(r.ShownAbove50);
        Assert.Null(r.RatingsNeededAbove70);
        Assert.Equal((10_000, ClusterBootstrap.DefaultSeed), (r.BootstrapResamples, r.BootstrapSeed));
    }

    [Fact]
    public void The_headline_interval_resamples_participants_in_id_order()
    {
        var shuffled = Votes.AsEnumerable().Reverse().ToList();

        var r = StudyResultsCalculator.Compute(Guid.Empty, shuffled, excludeFailedAttention: false, StudyConduct.None);

        var (low, high) = ClusterBootstrap.Interval([new Proportion(3, 4), new Proportion(2, 4), new Proportion(2, 2)]);
        Assert.Equal(new Interval(low, high), r.Bootstrap);
        Assert.True(r.Bootstrap.Low >= 0.5 && r.Bootstrap.High <= 1.0, $"{r.Bootstrap}");
    }

    [Fact]
    public void Results_per_relation_type_the_side_bias_and_the_attention_checks()
    {
        var r = StudyResultsCalculator.Compute(Guid.Empty, Votes, excludeFailedAttention: false, StudyConduct.None);

        Assert.Equal([(PromptAudioRelation.Matching, 5, 5), (PromptAudioRelation.Creative, 3, 2), (PromptAudioRelation.Contradictory, 2, 0)],
            r.ByRelation.Select(x => (x.Relation!.Value, x.Ratings, x.Improved)));
        var creative = r.ByRelation.Single(x => x.Relation == PromptAudioRelation.Creative);
        Assert.Equal(0.20765960080204782, creative.Wilson.Low, 9);
        Assert.Equal(0.9385080552796038, creative.Wilson.High, 9);
        // Left 5, right 3 among left/right answers: 2 P(X >= 5 | 8, 0.5) = 2 (56 + 28 + 8 + 1) / 256.
        Assert.Equal((5, 3), (r.Bias.Left, r.Bias.Right));
        Assert.Equal(2 * 93 / 256.0, r.Bias.PValue, 12);
        Assert.Equal((2, 1, 2, 1), (r.Attention.Checks, r.Attention.Passed, r.Attention.ParticipantsChecked, r.Attention.ParticipantsFailed));
        Assert.Equal(0.5, r.Attention.PassRate);
    }

    [Fact]
    public void Leaving_out_those_who_failed_a_check_and_the_ratings_needed_above_seventy_percent()
    {
        var r = StudyResultsCalculator.Compute(Guid.Empty, Votes, excludeFailedAttention: true, StudyConduct.None);

        Assert.Equal((3, 1, 6, 5), (r.Participants, r.ParticipantsExcluded, r.Ratings, r.Improved));
        Assert.Equal(0.4364971778135299, r.Wilson.Low, 9);
        Assert.Equal(0.9699466302516934, r.Wilson.High, 9);
        Assert.Equal(0.109375, r.PValueAbove50, 12);
        Assert.Equal(0.4201749999999999, r.PValueAbove70, 12);
        // ((1.6449 * sqrt(0.21) + 0.8416 * sqrt(5/36)) / (5/6 - 0.7))^2 = 64.09, rounded up.
        Assert.Equal(65, r.RatingsNeededAbove70);
    }

    [Fact]
    public void No_votes_give_no_share_and_an_uninformative_interval()
    {
        var r = StudyResultsCalculator.Compute(Guid.Empty, [], excludeFailedAttention: false, StudyConduct.None);

        Assert.Equal(0, r.Ratings);
        Assert.True(double.IsNaN(r.Share));
        Assert.Equal(new Interval(0, 1), r.Bootstrap);
        Assert.Equal(1.0, r.PValueAbove50);
        Assert.Null(r.RatingsNeededAbove70);
    }

    [Fact]
    public void The_results_say_how_many_pair_votes_the_headline_leaves_out_and_how_the_votes_were_obtained()
    {
        var votes = Votes.Select((v, i) => v with { FromGallery = i < 3 }).ToList();
        var conduct = new StudyConduct(StudyAccess.Open, 2, 5, 2);

        var all = StudyResultsCalculator.Compute(Guid.Empty, votes, excludeFailedAttention: false, conduct);
        var screened = StudyResultsCalculator.Compute(Guid.Empty, votes, excludeFailedAttention: true, conduct);

        Assert.Equal((10, 10, 0, 3), (all.PairVotes, all.Ratings, all.VotesExcluded, all.GalleryRatings));
        Assert.Equal((10, 6, 4, 3), (screened.PairVotes, screened.Ratings, screened.VotesExcluded, screened.GalleryRatings));
        Assert.Same(conduct, all.Conduct);
        Assert.True(all.IsPilot);
    }

    [Fact]
    public void The_export_has_one_row_per_vote_with_the_sides_and_neutralised_formulas()
    {
        var votes = Votes.Take(5).Append(Vote(P3, 1, PromptAudioRelation.Matching, false, StudyChoice.Right) with { Prompt = "=HYPERLINK(\"x\"), \"quoted\"" })
            .ToList();

        var conduct = new StudyConduct(StudyAccess.Panel, 2, 3, 1);

        var lines = StudyCsv.Write(votes, conduct).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(string.Join(',', StudyCsv.Columns), lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("00000000000000000000000000000001,1,", lines[1]);
        Assert.Contains(",0,matching,prompt 1,audio-conditioned,text-only,left,audio-conditioned,1,0,", lines[1]);
        Assert.Contains(",0,creative,prompt 4,text-only,audio-conditioned,tie,none,0,0,", lines[4]);
        Assert.Contains(",1,,prompt 5,intact,blank,left,intact,,0,", lines[5]);
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\",text-only,audio-conditioned,right,audio-conditioned,1,0,", lines[6]);
        Assert.EndsWith(",1970-01-01T00:00:00.000Z,1970-01-01T00:00:00.000Z,1970-01-01T00:00:01.000Z,0,0,panel,2,3,1", lines[1]);
    }
}
